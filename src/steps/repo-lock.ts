/**
 * Serialises git's racy worktree operations (add, remove, prune, lock, branch creation) per repository,
 * within this process (a promise chain) and across processes (a lock file in the common git dir holding
 * the owner's pid; a lock whose owner is gone is taken over). Measured with git 2.39: parallel
 * `worktree add` on one repository fails now and then ("failed to read .git/worktrees/<N>/commondir").
 */
import { closeSync, openSync, readFileSync, rmSync, writeSync } from "node:fs";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { isAlive } from "../resources/process-table.js";

const chains = new Map<string, Promise<unknown>>();

export async function withRepoLock<T>(commonGitDir: string, fn: () => Promise<T>): Promise<T> {
  const previous = chains.get(commonGitDir) ?? Promise.resolve();
  const run = previous
    .catch(() => {})
    .then(async () => {
      const release = await acquireFileLock(join(commonGitDir, "grove.lock"));
      try {
        return await fn();
      } finally {
        release();
      }
    });
  chains.set(commonGitDir, run);
  return run;
}

async function acquireFileLock(path: string): Promise<() => void> {
  for (let attempt = 0; ; attempt++) {
    try {
      const fd = openSync(path, "wx");
      writeSync(fd, String(process.pid));
      closeSync(fd);
      return () => rmSync(path, { force: true });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
      let owner = Number.NaN;
      try {
        owner = Number(readFileSync(path, "utf8"));
      } catch {}
      if (Number.isInteger(owner) && owner > 0 && !isAlive(owner)) {
        rmSync(path, { force: true });
        continue;
      }
      await sleep(Math.min(200, 10 + attempt * 5));
    }
  }
}
