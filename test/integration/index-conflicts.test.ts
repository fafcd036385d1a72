import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { indexHasNoUnmergedEntries } from "../../src/steps/index-conflicts.js";
import { makeRepo, sh } from "../helpers/git-repo.js";

async function gitListsUnmerged(worktree: string): Promise<boolean> {
  return (await sh(worktree, "ls-files", "--unmerged")) !== "";
}

/** A repository with many paths (long, short, nested: every padding length) and a second branch. */
async function repoWithPaths() {
  const files: Record<string, string> = {};
  for (let i = 0; i < 40; i++) files[`${"d/".repeat(i % 4)}${"f".repeat(1 + i)}.txt`] = `${i}\n`;
  const repo = await makeRepo(files);
  await sh(repo.main, "checkout", "-q", "-b", "other");
  writeFileSync(join(repo.main, "f.txt"), "theirs\n");
  await sh(repo.main, "commit", "-qam", "theirs");
  await sh(repo.main, "checkout", "-q", "main");
  writeFileSync(join(repo.main, "f.txt"), "ours\n");
  await sh(repo.main, "commit", "-qam", "ours");
  return repo;
}

describe("unmerged entries read from the index file, with git as the oracle (real repositories)", () => {
  for (const version of ["2", "3", "4"]) {
    it(`index version ${version}: "none" for a clean index, never for a conflicted one`, async () => {
      const repo = await repoWithPaths();
      await sh(repo.main, "update-index", "--index-version", version);
      if (version === "3") {
        // An intent-to-add entry carries the extended flags that make an index version 3.
        writeFileSync(join(repo.main, "new.txt"), "n\n");
        await sh(repo.main, "add", "-N", "new.txt");
      }
      expect(await gitListsUnmerged(repo.main)).toBe(false);
      expect(indexHasNoUnmergedEntries(repo.main)).toBe(true);
      // git refuses to merge over an intent-to-add entry: take it out for the merge, then add it back.
      if (version === "3") await sh(repo.main, "rm", "-q", "--cached", "new.txt");
      await expect(sh(repo.main, "merge", "-q", "other")).rejects.toThrow();
      if (version === "3") await sh(repo.main, "add", "-N", "new.txt");
      expect(await gitListsUnmerged(repo.main)).toBe(true);
      expect(indexHasNoUnmergedEntries(repo.main)).toBe(false);
      await sh(repo.main, "reset", "-q", "--hard", "HEAD");
      expect(indexHasNoUnmergedEntries(repo.main)).toBe(!(await gitListsUnmerged(repo.main)));
    });
  }

  it("a linked worktree's own index; a split index and a missing index are left to git", async () => {
    const repo = await repoWithPaths();
    const linked = join(repo.base, "wt");
    await sh(repo.main, "worktree", "add", "-q", "-b", "feature/wt", linked, "other");
    expect(indexHasNoUnmergedEntries(linked)).toBe(true);
    await expect(sh(linked, "merge", "-q", "main")).rejects.toThrow();
    expect(await gitListsUnmerged(linked)).toBe(true);
    expect(indexHasNoUnmergedEntries(linked)).toBe(false);
    // The main worktree's index is its own: still clean.
    expect(indexHasNoUnmergedEntries(repo.main)).toBe(true);

    await sh(repo.main, "update-index", "--split-index");
    expect(await gitListsUnmerged(repo.main)).toBe(false);
    expect(indexHasNoUnmergedEntries(repo.main)).toBe(false);

    const bare = join(repo.base, "no-index");
    await sh(repo.main, "worktree", "add", "-q", "--no-checkout", "-b", "feature/no-index", bare);
    expect(indexHasNoUnmergedEntries(bare)).toBe(false);
    expect(await gitListsUnmerged(bare)).toBe(false);
  });
});
