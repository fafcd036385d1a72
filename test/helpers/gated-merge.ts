/**
 * A merge the test holds: a commit in the worktree and one in the main repository, so merging the main
 * branch into the worktree makes a merge commit, and a pre-merge-commit hook that is the gate fixture
 * (it writes its pid to `reached` and waits) so the merge stops midway until the test acts.
 */
import { chmodSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { sh } from "./git-repo.js";
import { FIXTURES } from "./paths.js";

/** Diverges `worktree` from `mainRepo` and gates the next merge; returns the worktree's HEAD and the hook. */
export async function gateNextMerge(
  mainRepo: string,
  worktree: string,
  reached: string,
): Promise<{ before: string; hook: string }> {
  writeFileSync(join(worktree, "mine.txt"), "worktree work\n");
  await sh(worktree, "add", "mine.txt");
  await sh(worktree, "commit", "-qm", "worktree commit");
  const before = await sh(worktree, "rev-parse", "HEAD");
  writeFileSync(join(mainRepo, "theirs.txt"), "coordinator work\n");
  await sh(mainRepo, "add", "theirs.txt");
  await sh(mainRepo, "commit", "-qm", "coordinator commit");
  const hook = join(mainRepo, ".git", "hooks", "pre-merge-commit");
  const gate = `exec ${JSON.stringify(process.execPath)} ${JSON.stringify(join(FIXTURES, "gate.mjs"))} ${JSON.stringify(reached)}`;
  writeFileSync(hook, `#!/bin/sh\n${gate}\n`);
  chmodSync(hook, 0o755);
  return { before, hook };
}
