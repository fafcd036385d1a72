/**
 * `.grove/runs` keeps the last N runs (default 20, `--keep-runs N`, 0 keeps all): older run
 * directories are removed while a run runs (chosen when it starts, removed off the main thread: a
 * 1,000-scenario run's directory holds 1,000 logs, and removing it before the first scenario started
 * delayed every run by its size). Only directories named like a run id are touched, newest first by
 * that name (ids start with the UTC time), so nothing else under `.grove/runs` is ever lost.
 */
import { readdirSync } from "node:fs";
import { rm } from "node:fs/promises";
import { join } from "node:path";

/** How many runs `.grove/runs` keeps unless told otherwise. */
export const DEFAULT_KEEP_RUNS = 20;

const RUN_ID = /^\d{8}-\d{6}-[0-9a-f]{6}$/;

/**
 * Removes all but the `keep` newest run directories (the current one counts); resolves to what it
 * removed. Housekeeping never fails a run: a directory that cannot be removed is left for next time.
 */
export async function pruneRuns(runsDir: string, keep: number, current?: string): Promise<string[]> {
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
  await Promise.all(old.map((n) => rm(join(runsDir, n), { recursive: true, force: true }).catch(() => {})));
  return old;
}
