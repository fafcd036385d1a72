/** Reports built from chosen scenario results, for reporter tests (no run, no processes). */
import type {
  AttemptResult,
  AttemptStatus,
  FinalStatus,
  ScenarioResult,
  TestCaseResult,
} from "../../src/events.js";
import { buildReport, type Report, type ReportMeta } from "../../src/reporters/build-report.js";

const RUN_DIR = "/runs/r1";

/** One attempt whose test command ended `status`, with this output tail and, optionally, collected tests. */
export function attempt(
  n: number,
  status: AttemptStatus,
  outputTail = "",
  tests?: TestCaseResult[],
): AttemptResult {
  return {
    attempt: n,
    status,
    reason: status === "passed" ? "exit-zero" : status === "timed-out" ? "timeout" : "exit-non-zero",
    test: {
      phase: "test",
      name: "test",
      status,
      reason: status === "passed" ? "exit-zero" : "exit-non-zero",
      command: ["pytest", "tests/x.py", "-v"],
      exitCode: status === "passed" ? 0 : 1,
      signal: null,
      startedAt: "2026-12-01T10:00:00.000+00:00",
      endedAt: "2026-12-01T10:00:01.000+00:00",
      durationSeconds: 1.25,
      logPath: `${RUN_DIR}/logs/x.${n}.test.log`,
      outputTail,
      ...(tests ? { tests } : {}),
    },
    steps: [],
    startedAt: "2026-12-01T10:00:00.000+00:00",
    endedAt: "2026-12-01T10:00:01.000+00:00",
    durationSeconds: 1.25,
  };
}

/** A scenario result; `attempts` empty means it never started (skipped, cancelled). */
export function result(
  name: string,
  status: FinalStatus,
  attempts: AttemptResult[] = [],
  extra: Partial<ScenarioResult> = {},
): ScenarioResult {
  return {
    name,
    description: "",
    worktree: extra.worktree ?? "w1",
    tags: [],
    status,
    reason: attempts[attempts.length - 1]?.reason ?? (status === "skipped" ? "dependency-failed" : status),
    detail: status === "skipped" ? `dependency "a" failed` : status,
    flaky: status === "passed" && attempts.length > 1,
    attempts,
    ...extra,
  };
}

export function report(results: ScenarioResult[], meta: Partial<ReportMeta> = {}): Report {
  return buildReport(results, [], [], {
    version: "0.0.0",
    runId: "r1",
    runDir: RUN_DIR,
    startedAt: "2026-12-01T10:00:00.000+00:00",
    endedAt: "2026-12-01T10:00:05.000+00:00",
    wallSeconds: 5,
    workers: 2,
    pipeline: "builtin:default",
    scenariosFile: "scenarios.json",
    interrupted: false,
    exitCode: results.every((r) => r.status === "passed") ? 0 : 1,
    maxConcurrency: 2,
    ...meta,
  });
}
