/**
 * Recorded scenario durations (seconds), kept in `<main-repo>/.grove/timings.json` so the planner can
 * put the real critical path first. A missing or damaged file means "no history", never an error.
 */
import { readFileSync } from "node:fs";
import { ensureGroveStateDir, timingsFile } from "../config/grove-dir.js";
import { writeFileAtomic } from "../util/atomic-write.js";
import type { Report } from "./build-report.js";
import type { Reporter } from "./reporter.js";

export function readTimings(mainRepo: string): Map<string, number> {
  try {
    const raw = JSON.parse(readFileSync(timingsFile(mainRepo), "utf8")) as Record<string, unknown>;
    return new Map(
      Object.entries(raw).filter((e): e is [string, number] => typeof e[1] === "number" && e[1] >= 0),
    );
  } catch {
    return new Map();
  }
}

/** Merges new durations into the store (an exponential moving average smooths noise). */
export function recordTimings(mainRepo: string, durations: ReadonlyMap<string, number>): void {
  const merged = readTimings(mainRepo);
  for (const [name, seconds] of durations) {
    const old = merged.get(name);
    merged.set(name, old === undefined ? seconds : Math.round((0.5 * old + 0.5 * seconds) * 1000) / 1000);
  }
  ensureGroveStateDir(mainRepo);
  writeFileAtomic(timingsFile(mainRepo), `${JSON.stringify(Object.fromEntries(merged), null, 2)}\n`);
}

/** What a report teaches about durations: the last attempt of each scenario that ran to a verdict here. */
export function reportDurations(report: Report): Map<string, number> {
  return new Map(
    report.scenarios
      .filter((s) => (s.status === "passed" || s.status === "failed") && !s.resumed_from)
      .map((s) => [s.name, s.attempt_results[s.attempt_results.length - 1]!.durationSeconds]),
  );
}

/** Records what a run taught about durations (reportDurations) at its end. */
export class TimingsReporter implements Reporter {
  constructor(private readonly mainRepo: string) {}

  onEnd(report: Report): void {
    recordTimings(this.mainRepo, reportDurations(report));
  }
}
