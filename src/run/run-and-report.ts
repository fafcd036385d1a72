/**
 * One run from plan to final report: executes it (execute-run.ts) with every event fanned out to the
 * reporters, builds the report (carried `--resume` results included), decides the exit code and hands
 * the report to the reporters. The CLI and the Coordinator API both run through here, so the report
 * and its exit code come out the same either way. Which reporters there are is the caller's business.
 */
import type { ScenarioResult } from "../events.js";
import { runExitCode } from "../exit-codes.js";
import { buildReport, type Report, type ReportMeta } from "../reporters/build-report.js";
import type { Reporter } from "../reporters/reporter.js";
import { GROVE_VERSION } from "../version.js";
import { type ExecuteRunOptions, executeRun, newRunId, type RunOutcome } from "./execute-run.js";

export interface RunAndReportOptions
  extends Omit<ExecuteRunOptions, "onEvent">,
    Pick<ReportMeta, "planHash" | "shard" | "testFiles" | "definitions" | "dependencies"> {
  /** Every output of the run (use a CompositeReporter for several). */
  reporter: Reporter;
  /** Shown in the report's `grove.scenarios_file`. */
  scenariosFile: string;
  /** Results carried over from an earlier run by `--resume`: reported, not run. */
  carried?: readonly ScenarioResult[];
  /** `--fail-on-leak`: a leaked resource fails the run. */
  failOnLeak?: boolean;
}

/** The finished run, its report (already given to the reporters) and the exit code it calls for. */
export interface ReportedRun {
  outcome: RunOutcome;
  report: Report;
  exitCode: number;
}

export async function runAndReport(options: RunAndReportOptions): Promise<ReportedRun> {
  const {
    reporter,
    scenariosFile,
    carried = [],
    failOnLeak = false,
    planHash,
    shard,
    testFiles,
    definitions,
    dependencies,
    ...run
  } = options;
  const runId = run.runId ?? newRunId();
  const outcome = await executeRun({
    ...run,
    runId,
    ...(reporter.onEvent ? { onEvent: (e) => reporter.onEvent!(e) } : {}),
  });
  const results = [...carried, ...outcome.results];
  const exitCode = runExitCode({
    results,
    interrupted: outcome.interrupted,
    environmentFailed: outcome.environmentError !== undefined,
    leaks: outcome.leaks.length,
    failOnLeak,
  });
  const report = buildReport(results, outcome.leaks, outcome.worktrees, {
    version: GROVE_VERSION,
    runId,
    runDir: outcome.runDir,
    startedAt: outcome.startedAt,
    endedAt: outcome.endedAt,
    wallSeconds: outcome.wallSeconds,
    workers: run.workers,
    pipeline: run.pipeline.source,
    scenariosFile,
    interrupted: outcome.interrupted,
    exitCode,
    maxConcurrency: outcome.maxConcurrency,
    ...(outcome.environmentError ? { environmentError: outcome.environmentError } : {}),
    ...(planHash !== undefined ? { planHash } : {}),
    ...(shard !== undefined ? { shard } : {}),
    ...(testFiles !== undefined ? { testFiles } : {}),
    ...(definitions !== undefined ? { definitions } : {}),
    ...(dependencies !== undefined ? { dependencies } : {}),
  });
  await reporter.onEnd?.(report);
  return { outcome, report, exitCode };
}
