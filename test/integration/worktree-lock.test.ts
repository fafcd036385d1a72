import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { lockWorktree, unlockWorktree } from "../../src/steps/worktree-create.js";
import { commonGitDir } from "../../src/steps/worktree-paths.js";
import { makeRepo, sh } from "../helpers/git-repo.js";

/** git's own view of a worktree's lock: the `locked` line of `git worktree list --porcelain`. */
async function lockLine(main: string, path: string): Promise<string | undefined> {
  const blocks = (await sh(main, "worktree", "list", "--porcelain")).split("\n\n");
  const block = blocks.find((b) => b.split("\n")[0] === `worktree ${path}`);
  return block?.split("\n").find((l) => l.startsWith("locked"));
}

describe("worktree locks written without a git process (real repositories)", () => {
  it("git sees Grove's lock with its reason and respects it; a lock someone else holds is left alone", async () => {
    const repo = await makeRepo();
    const commonDir = await commonGitDir(repo.main);
    const ours = join(repo.base, "ours");
    const theirs = join(repo.base, "theirs");
    await sh(repo.main, "worktree", "add", "-q", "-b", "feature/ours", ours);
    await sh(repo.main, "worktree", "add", "-q", "-b", "feature/theirs", theirs);

    expect(await lockWorktree(repo.main, commonDir, ours, "grove run 1")).toBe(true);
    expect(await lockLine(repo.main, ours)).toBe("locked grove run 1");
    await expect(sh(repo.main, "worktree", "remove", ours)).rejects.toThrow(/locked/);
    // Locked already (by this or anyone): not ours to take.
    expect(await lockWorktree(repo.main, commonDir, ours, "grove run 2")).toBe(false);
    expect(await lockLine(repo.main, ours)).toBe("locked grove run 1");

    await sh(repo.main, "worktree", "lock", "--reason", "someone else", theirs);
    expect(await lockWorktree(repo.main, commonDir, theirs, "grove run 1")).toBe(false);
    expect(await lockLine(repo.main, theirs)).toBe("locked someone else");

    await unlockWorktree(repo.main, commonDir, ours);
    expect(await lockLine(repo.main, ours)).toBeUndefined();
    // git agrees it is unlocked: it can lock it itself now.
    await sh(repo.main, "worktree", "lock", ours);
    expect(await lockLine(repo.main, ours)).toBe("locked");
  });

  it("a path git has no entry for is refused as git refuses it", async () => {
    const repo = await makeRepo();
    const commonDir = await commonGitDir(repo.main);
    expect(await lockWorktree(repo.main, commonDir, join(repo.base, "nowhere"), "grove run 1")).toBe(false);
    expect(await lockWorktree(repo.main, commonDir, repo.main, "grove run 1")).toBe(false);
  });
});
