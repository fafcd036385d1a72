/**
 * `.grove/runs` keeps the last N runs (default 20, `--keep-runs N`, 0 keeps all): older run
 * directories are removed when a run starts. Only directories named like a run id are touched, newest
 * first by that name (ids start with the UTC time), so nothing else under `.grove/runs` is ever lost.
 */
import { readdirSync, rmSync } from "node:fs";
import { join } from "node:path";

/** How many runs `.grove/runs` keeps unless told otherwise. */
export const DEFAULT_KEEP_RUNS = 20;

const RUN_ID = /^\d{8}-\d{6}-[0-9a-f]{6}$/;

/** Removes all but the `keep` newest run directories (the current one counts); returns what it removed. */
export function pruneRuns(runsDir: string, keep: number, current?: string): string[] {
  if (keep <= 0) return [];
  let names: string[];
  try {
    names = readdirSync(runsDir, { withFileTypes: true })
      .filter((d) => d.isDirectory() && RUN_ID.test(d.name))
      .map((d) => d.name);
  } catch {
    return [];
  }
  const old = names
    .filter((n) => n !== current)
    .sort()
    .reverse()
    .slice(Math.max(0, keep - (current ? 1 : 0)));
  for (const n of old) rmSync(join(runsDir, n), { recursive: true, force: true });
  return old;
}
