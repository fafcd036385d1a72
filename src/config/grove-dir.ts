/**
 * The layout of Grove's own directory in the main repository, in one place:
 *
 *   <main-repo>/.grove/            ignored by git (a .gitignore of `*` inside)
 *     timings.json                 recorded durations (reporters/timings-store.ts)
 *     runs/<run-id>/               one run: logs, report.json, events.ndjson, machines.json
 *
 * Not responsible for what goes in those files.
 */
import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";

/** `<main-repo>/.grove`. */
function groveStateDir(mainRepo: string): string {
  return join(mainRepo, ".grove");
}

/** Creates `.grove/` with a .gitignore of `*`, so Grove's own files never make the repo look dirty. */
export function ensureGroveStateDir(mainRepo: string): string {
  const dir = groveStateDir(mainRepo);
  mkdirSync(dir, { recursive: true });
  const ignore = join(dir, ".gitignore");
  if (!existsSync(ignore)) writeFileSync(ignore, "# Grove's run logs, reports and timings\n*\n");
  return dir;
}

/** Where the durations of earlier runs are kept. */
export function timingsFile(mainRepo: string): string {
  return join(groveStateDir(mainRepo), "timings.json");
}

/** `<main-repo>/.grove/runs`, the parent of every recorded run (not created). */
export function runsDir(mainRepo: string): string {
  return join(groveStateDir(mainRepo), "runs");
}

/** A new run's directory under `.grove/runs` (ensures `.grove/` and its .gitignore first). */
export function newRunDir(mainRepo: string, runId: string): string {
  ensureGroveStateDir(mainRepo);
  return join(runsDir(mainRepo), runId);
}
