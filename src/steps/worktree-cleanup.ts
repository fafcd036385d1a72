/**
 * Cleanup that never loses work: only worktrees Grove created are candidates; one holding modified,
 * untracked, non-disposable ignored files, a stash, commits no other ref holds, or another tool's lock
 * is kept and the reasons are returned. A branch Grove created is deleted only when no commit would be
 * lost. `git worktree remove` deletes ignored files, which is why they are checked first.
 */
import { existsSync, unlinkSync } from "node:fs";
import { join } from "node:path";
import { git } from "./git.js";
import { withRepoLock } from "./repo-lock.js";
import { readRegistry, updateRegistry } from "./worktree-registry.js";
import { commitsOnlyOn, inspectWork, keptReasons } from "./worktree-status.js";

export type CleanupOutcome =
  | { kind: "removed"; branchDeleted: boolean; createdBranch: boolean }
  | { kind: "kept"; reasons: string[] }
  | { kind: "not-ours" };

export interface CleanupRequest {
  mainRepo: string;
  commonDir: string;
  path: string;
  disposable: readonly string[];
  deleteBranch: boolean;
  /** The lock reason Grove itself used for this run (its own lock does not keep the worktree). */
  ourLockReason?: string;
  dryRun?: boolean;
}

export async function cleanupWorktree(req: CleanupRequest): Promise<CleanupOutcome> {
  const entry = readRegistry(req.commonDir).find((e) => e.path === req.path);
  if (!entry) return { kind: "not-ours" };
  if (!existsSync(req.path)) {
    if (!req.dryRun) updateRegistry(req.commonDir, (all) => all.filter((e) => e.path !== req.path));
    return { kind: "removed", branchDeleted: false, createdBranch: entry.createdBranch };
  }
  const work = await inspectWork(req.mainRepo, req.path, entry.branch, req.disposable, req.ourLockReason);
  const reasons = keptReasons(work);
  if (reasons.length > 0) return { kind: "kept", reasons };
  if (req.dryRun)
    return {
      kind: "removed",
      branchDeleted: req.deleteBranch && entry.createdBranch,
      createdBranch: entry.createdBranch,
    };
  return withRepoLock(req.commonDir, async () => {
    if (req.ourLockReason !== undefined)
      await git(req.mainRepo, ["worktree", "unlock", "--end-of-options", req.path]);
    // Shared links would make git refuse; unlinking removes the link only, never what it points to.
    for (const link of work.sharedLinks) unlinkSync(join(req.path, link));
    const removed = await git(req.mainRepo, ["worktree", "remove", "--end-of-options", req.path]);
    if (removed.exitCode !== 0)
      return { kind: "kept" as const, reasons: [`git worktree remove refused: ${removed.stderr}`] };
    let branchDeleted = false;
    if (req.deleteBranch && entry.createdBranch) {
      if ((await commitsOnlyOn(req.mainRepo, entry.branch)) === 0)
        branchDeleted =
          (await git(req.mainRepo, ["branch", "-D", "--end-of-options", entry.branch])).exitCode === 0;
    }
    await git(req.mainRepo, ["worktree", "prune"]);
    updateRegistry(req.commonDir, (all) => all.filter((e) => e.path !== req.path));
    return { kind: "removed" as const, branchDeleted, createdBranch: entry.createdBranch };
  });
}
