/** Waiting on a file a fixture writes (never a fixed sleep). */
import { existsSync, readFileSync } from "node:fs";
import { setTimeout as sleep } from "node:timers/promises";

/** Resolves with the file's text once it exists and is not empty. */
export async function waitForFile(path: string): Promise<string> {
  for (;;) {
    if (existsSync(path)) {
      const text = readFileSync(path, "utf8");
      if (text.length > 0) return text;
    }
    await sleep(10);
  }
}

/** The pids a gate fixture wrote (one a line). */
export function pidsIn(path: string): number[] {
  return existsSync(path) ? readFileSync(path, "utf8").split("\n").filter(Boolean).map(Number) : [];
}
