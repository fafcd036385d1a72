/**
 * Waiting on a condition instead of the clock. `waitForFile` is woken by the file system (fs.watch);
 * `waitUntil` re-checks a condition nothing can signal (a process that is not our child ending) and
 * gives up, with a message, after `timeoutMs` — a bound on a failing test, never a wait a passing one
 * depends on.
 */
import { existsSync, readFileSync, watch } from "node:fs";
import { basename, dirname } from "node:path";
import { setTimeout as delay } from "node:timers/promises";

/** Resolves with the file's text once it exists and is not empty. */
export function waitForFile(path: string): Promise<string> {
  return new Promise((resolve) => {
    const check = () => {
      if (!existsSync(path)) return false;
      const text = readFileSync(path, "utf8");
      if (text === "") return false;
      watcher.close();
      resolve(text);
      return true;
    };
    const watcher = watch(dirname(path), (_event, name) => {
      if (name === null || name === basename(path)) check();
    });
    check();
  });
}

/** Resolves once `condition()` holds; rejects with `what` if it still does not after `timeoutMs`. */
export async function waitUntil(condition: () => boolean, what: string, timeoutMs = 20_000): Promise<void> {
  const giveUp = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > giveUp) throw new Error(`gave up waiting for ${what} after ${timeoutMs} ms`);
    await delay(10);
  }
}
