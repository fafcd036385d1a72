/**
 * Serialises git's racy worktree operations (add, remove, prune, lock, branch creation) per repository,
 * within this process (a promise chain) and across processes (an owner file in the common git dir; a
 * lock whose owner is gone, or whose pid now belongs to another process, is taken over). Measured with
 * git 2.39: parallel `worktree add` on one repository fails now and then ("failed to read
 * .git/worktrees/<N>/commondir").
 */
import { join } from "node:path";
import { WorktreeError } from "../errors.js";
import { ownerOf, releaseClaim, waitForClaim } from "../resources/owner-file.js";

const chains = new Map<string, Promise<unknown>>();

/** The repository lock's file (the next run releases one a dead run left). */
export function repoLockPath(commonGitDir: string): string {
  return join(commonGitDir, "grove.lock");
}

/** Runs fn holding the repository lock; an abort while waiting for it rejects (E_INTERRUPTED). */
export async function withRepoLock<T>(
  commonGitDir: string,
  fn: () => Promise<T>,
  signal?: AbortSignal,
): Promise<T> {
  const previous = chains.get(commonGitDir) ?? Promise.resolve();
  const run = previous
    .catch(() => {})
    .then(async () => {
      const path = repoLockPath(commonGitDir);
      const me = ownerOf("");
      const claim = await waitForClaim(path, me, signal ? { signal } : {});
      if (claim.kind !== "acquired")
        throw new WorktreeError("E_INTERRUPTED", "interrupted while waiting for the repository lock");
      try {
        return await fn();
      } finally {
        releaseClaim(path, me);
      }
    });
  chains.set(commonGitDir, run);
  return run;
}
