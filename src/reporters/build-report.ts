/**
 * Builds the JSON report: every field of the original coordinator's report (summary, by_worktree,
 * failures, resource_leaks, timestamp), with `summary.duration` as wall-clock seconds, the timestamp
 * with its UTC offset, and one entry per scenario in `scenarios`. Pure; `schemas/report.schema.json`
 * describes the result.
 */
import { isAbsolute, relative } from "node:path";
import type {
  EnvironmentFailure,
  FinalStatus,
  ResourceLeak,
  ScenarioResult,
  TestCaseResult,
  WorktreeReport,
} from "../events.js";

export interface ReportMeta {
  version: string;
  runId: string;
  runDir: string;
  startedAt: string;
  endedAt: string;
  wallSeconds: number;
  workers: number;
  pipeline: string;
  scenariosFile: string;
  interrupted: boolean;
  exitCode: number;
  maxConcurrency: number;
  /** The plan's identity (plan-hash.ts): shards of one run share it; merge-reports checks it. */
  planHash?: string;
  /** The failure of the environment that stopped the run midway (exit 5). */
  environmentError?: EnvironmentFailure;
  /** `--shard i/n`: which part of the plan this run ran. */
  shard?: ReportShard;
  /** Each scenario's test_file (for JUnit's `file` and annotations), by name. */
  testFiles?: ReadonlyMap<string, string>;
  /** Each scenario's definition hash (plan/scenario-definition.ts), by name: `--resume` compares it. */
  definitions?: ReadonlyMap<string, string>;
  /** Each scenario's dependencies, by name: merge-reports walks the actual critical path with them. */
  dependencies?: ReadonlyMap<string, readonly string[]>;
}

/** Which part of a sharded plan a report covers. */
export interface ReportShard {
  index: number;
  count: number;
  /** Scenarios in the whole plan, over all shards (merge-reports checks the parts add up to it). */
  plan_scenarios: number;
}

export type { WorktreeReport };

export interface Report {
  summary: {
    total: number;
    passed: number;
    failed: number;
    skipped: number;
    errors: number;
    duration: number;
    success_rate: number;
    timed_out: number;
    cancelled: number;
    flaky: number;
    interrupted: boolean;
  };
  by_worktree: Record<
    string,
    { total: number; passed: number; failed: number; skipped: number; errors: number }
  >;
  failures: {
    scenario: string;
    worktree: string;
    error: string;
    duration: number;
    status: FinalStatus;
    reason: string;
    log_path?: string;
  }[];
  resource_leaks: ResourceLeak[];
  timestamp: string;
  grove: {
    version: string;
    run_id: string;
    run_dir: string;
    started_at: string;
    ended_at: string;
    workers: number;
    max_concurrency: number;
    pipeline: string;
    scenarios_file: string;
    exit_code: number;
    environment_error?: EnvironmentFailure;
    plan_hash?: string;
    shard?: ReportShard;
    merged_from?: { run_id: string; run_dir: string; shard?: ReportShard }[];
  };
  scenarios: ReportScenario[];
  worktrees: WorktreeReport[];
}

export interface ReportScenario {
  name: string;
  description: string;
  worktree: string;
  tags: string[];
  status: FinalStatus;
  reason: string;
  detail: string;
  flaky: boolean;
  attempts: number;
  exit_code: number | null;
  command: string[];
  started_at: string | null;
  ended_at: string | null;
  duration: number;
  /** Relative to `grove.run_dir`, so an uploaded report points into the uploaded run directory. */
  log_path: string | null;
  output_tail: string;
  test_file?: string;
  /** What the scenario ran, as a hash (plan/scenario-definition.ts): a pass carries over only while it matches. */
  definition?: string;
  /** The scenario's dependencies (names), as in the scenarios file. */
  dependencies?: string[];
  /** The individual tests of the last attempt, when the test command wrote JUnit (pipeline test.junit). */
  tests?: TestCaseResult[];
  skip?: ScenarioResult["skip"];
  resumed_from?: string;
  /** Set by merge-reports: the shard's run dir, which log_path is relative to. */
  run_dir?: string;
  attempt_results: ScenarioResult["attempts"];
}

/** Errors in the original's sense: could not produce a verdict (errored, timed out). */
const isError = (s: FinalStatus) => s === "errored" || s === "timed-out";

export function buildReport(
  results: readonly ScenarioResult[],
  leaks: readonly ResourceLeak[],
  worktrees: readonly WorktreeReport[],
  meta: ReportMeta,
): Report {
  const count = (pred: (r: ScenarioResult) => boolean) => results.filter(pred).length;
  const passed = count((r) => r.status === "passed");
  const byWorktree: Report["by_worktree"] = {};
  for (const r of results) {
    const w = byWorktree[r.worktree] ?? { total: 0, passed: 0, failed: 0, skipped: 0, errors: 0 };
    byWorktree[r.worktree] = w;
    w.total++;
    if (r.status === "passed") w.passed++;
    else if (r.status === "failed") w.failed++;
    else if (r.status === "skipped") w.skipped++;
    else if (isError(r.status)) w.errors++;
  }
  const scenarios = results.map((r) => toReportScenario(r, meta));
  return {
    summary: {
      total: results.length,
      passed,
      failed: count((r) => r.status === "failed"),
      skipped: count((r) => r.status === "skipped"),
      errors: count((r) => isError(r.status)),
      duration: round(meta.wallSeconds),
      success_rate: results.length === 0 ? 0 : round((passed / results.length) * 100),
      timed_out: count((r) => r.status === "timed-out"),
      cancelled: count((r) => r.status === "cancelled"),
      flaky: count((r) => r.flaky),
      interrupted: meta.interrupted,
    },
    by_worktree: byWorktree,
    failures: scenarios
      .filter((s) => s.status === "failed" || isError(s.status))
      .map((s) => ({
        scenario: s.name,
        worktree: s.worktree,
        error: `${s.detail}${s.output_tail ? `\n${lastLines(s.output_tail, 5)}` : ""}`,
        duration: s.duration,
        status: s.status,
        reason: s.reason,
        ...(s.log_path ? { log_path: s.log_path } : {}),
      })),
    resource_leaks: [...leaks],
    timestamp: meta.endedAt,
    grove: {
      version: meta.version,
      run_id: meta.runId,
      run_dir: meta.runDir,
      started_at: meta.startedAt,
      ended_at: meta.endedAt,
      workers: meta.workers,
      max_concurrency: meta.maxConcurrency,
      pipeline: meta.pipeline,
      scenarios_file: meta.scenariosFile,
      exit_code: meta.exitCode,
      ...(meta.environmentError ? { environment_error: meta.environmentError } : {}),
      ...(meta.planHash ? { plan_hash: meta.planHash } : {}),
      ...(meta.shard ? { shard: meta.shard } : {}),
    },
    scenarios,
    worktrees: worktrees.map((w) =>
      w.log_path && isAbsolute(w.log_path) ? { ...w, log_path: relative(meta.runDir, w.log_path) } : { ...w },
    ),
  };
}

function toReportScenario(r: ScenarioResult, meta: ReportMeta): ReportScenario {
  const rel = (p: string) => (isAbsolute(p) ? relative(meta.runDir, p) || "." : p);
  const attempts = r.attempts.map((a) => ({
    ...a,
    ...(a.test ? { test: { ...a.test, logPath: rel(a.test.logPath) } } : {}),
    steps: a.steps.map((c) => ({ ...c, logPath: rel(c.logPath) })),
  }));
  const last = attempts[attempts.length - 1];
  const first = attempts[0];
  const test = last?.test;
  const testFile = meta.testFiles?.get(r.name);
  const definition = meta.definitions?.get(r.name);
  const dependencies = meta.dependencies?.get(r.name);
  return {
    name: r.name,
    description: r.description,
    worktree: r.worktree,
    tags: r.tags,
    status: r.status,
    reason: r.reason,
    detail: r.detail,
    flaky: r.flaky,
    attempts: r.attempts.length,
    exit_code: test?.exitCode ?? null,
    command: test?.command ?? [],
    started_at: first?.startedAt ?? null,
    ended_at: last?.endedAt ?? null,
    duration: round(r.attempts.reduce((sum, a) => sum + a.durationSeconds, 0)),
    log_path: test?.logPath ?? null,
    output_tail: test?.outputTail ?? "",
    ...(testFile !== undefined ? { test_file: testFile } : {}),
    ...(definition !== undefined ? { definition } : {}),
    ...(dependencies !== undefined ? { dependencies: [...dependencies] } : {}),
    ...(test?.tests ? { tests: test.tests } : {}),
    ...(r.skip ? { skip: r.skip } : {}),
    ...(r.resumedFrom ? { resumed_from: r.resumedFrom } : {}),
    attempt_results: attempts,
  };
}

const round = (x: number) => Math.round(x * 1000) / 1000;
const lastLines = (text: string, n: number) => text.split("\n").slice(-n).join("\n");
