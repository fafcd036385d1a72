/**
 * The event and result types every layer shares. Reporters and the inspector consume these events;
 * they never reach into the scheduler. Expected outcomes (a failed test, a timeout) are data here.
 */

/** Every state a scenario can be in (the states of the scenario machine). */
export type ScenarioStatus =
  | "pending" // created; the run has not started
  | "waiting" // for its dependencies to pass
  | "queued" // dependencies passed; waiting for a worker slot and its worktree
  | "running" // an attempt is under way (before steps, test, after steps)
  | "passed"
  | "failed" // the test ran and failed (e.g. a non-zero exit)
  | "timed-out" // the attempt hit its deadline and its process group was ended
  | "errored" // the test could not run properly (spawn failure, usage error, no tests, step failure)
  | "skipped" // never started: a dependency did not pass, or its worktree could not be made ready
  | "cancelled"; // interrupted by the user

export type FinalStatus = "passed" | "failed" | "timed-out" | "errored" | "skipped" | "cancelled";
export type AttemptStatus = "passed" | "failed" | "timed-out" | "errored" | "cancelled";

export const FINAL_STATUSES: readonly FinalStatus[] = [
  "passed",
  "failed",
  "timed-out",
  "errored",
  "skipped",
  "cancelled",
];

/**
 * Why a worktree is not ready, named once for every output: `grove worktrees`, the run's console and
 * JSON report, the inspector and the docs. A scenario skipped because of its worktree carries the
 * same name as its reason. The one function that decides readiness is `steps/worktree-readiness.ts`.
 */
export const WORKTREE_PROBLEMS = [
  /** No directory at the worktree's path (`--setup-worktrees` creates it). */
  "worktree-missing",
  /** A directory is there, but it is not a linked worktree of this repository. */
  "not-a-worktree",
  /** Grove's setup began there and did not finish, or setup steps exist and nothing shows they ran. */
  "not-set-up",
  /** The pipeline's verify checks fail (e.g. no `build/*.so`). */
  "verify-failed",
  /** Unmerged files in the worktree, or merging the coordinator ref conflicted (and was aborted). */
  "merge-conflict",
  /** Another run holds the worktree's lease and `--no-wait` was given. */
  "worktree-busy",
  /** Taking the worktree's lease failed (its owner file could not be written or read). */
  "lease-failed",
  /** `git worktree add` failed. */
  "create-failed",
  /** A setup step failed (it ran in this run). */
  "setup-failed",
  /** The coordinator ref was not merged: uncommitted changes, or a ref starting with "-". */
  "pull-refused",
  /** Fetching or merging the coordinator ref failed for another reason (e.g. no such ref). */
  "pull-failed",
  /** Interrupted before it was ready. */
  "cancelled",
] as const;
export type WorktreeProblem = (typeof WORKTREE_PROBLEMS)[number];

/**
 * A worktree's state as `grove worktrees` lists it and the report's `worktrees[].state` records it:
 * `ready`, one of the problems, or after a run's cleanup `removed` / `kept` (it holds work).
 */
export const WORKTREE_STATES = ["ready", ...WORKTREE_PROBLEMS, "removed", "kept"] as const;
export type WorktreeState = (typeof WORKTREE_STATES)[number];

/**
 * What a `worktree-status` event says while a worktree's machine runs: the stage it is in, then a
 * WorktreeState (`ready`, the problem that stopped it, or how cleanup ended).
 */
export const WORKTREE_PROGRESS = [
  "leasing",
  /** Another run holds the lease; the detail names it. */
  "waiting",
  /** The lease of a run that is no longer running was taken over; the detail names it. */
  "lease-taken-over",
  "verifying",
  /**
   * Verify passed, but the setup steps changed since Grove ran them there and this run does not set up
   * (no --setup-worktrees): it runs on the old setup, and says so. The detail says how to redo it.
   */
  "setup-changed",
  "creating",
  "setting-up",
  "checking",
  "pulling",
  "cleaning",
] as const;
export type WorktreeEventState = (typeof WORKTREE_PROGRESS)[number] | WorktreeState;

/**
 * Why a scenario ended as it did. Built-in reasons are listed; a pipeline's `exit_codes` table may add
 * its own (e.g. `no-tests-collected`). A skip for its worktree uses the worktree's problem name.
 */
export const BUILTIN_REASONS = [
  "exit-zero",
  "exit-non-zero",
  "killed-by-signal",
  "timeout",
  "spawn-failed",
  "before-step-failed",
  "after-step-failed",
  /** The scenario machine ended without an outcome: a bug in Grove. */
  "internal-error",
  "dependency-failed",
  "dependency-not-selected",
  /** `--max-failures N`: N scenarios failed, so the rest was not started. */
  "max-failures",
  ...WORKTREE_PROBLEMS,
] as const;
export type BuiltinReason = (typeof BUILTIN_REASONS)[number];
export type Reason = BuiltinReason | (string & {});

/** One command run for an attempt (a before/after step or the test itself). */
export interface CommandResult {
  phase: "before" | "test" | "after";
  name: string;
  status: AttemptStatus;
  reason: Reason;
  command: string[];
  exitCode: number | null;
  signal: string | null;
  startedAt: string;
  endedAt: string;
  durationSeconds: number;
  logPath: string;
  /** The last lines of output (stdout and stderr interleaved). */
  outputTail: string;
  /** The individual tests the command reported in its own JUnit file (pipeline `test.junit`). */
  tests?: TestCaseResult[];
  /** Why `tests` is missing though the pipeline names a JUnit file (absent, unreadable, not JUnit). */
  testsProblem?: string;
}

/** One test a scenario's test command ran (a pytest test, a vitest case), read from its JUnit output. */
export interface TestCaseResult {
  /** The runner's classname, e.g. pytest's `tests.test_api`. */
  classname: string;
  name: string;
  /** Source file (relative to the worktree) and line, when the runner says. */
  file?: string;
  line?: number;
  status: "passed" | "failed" | "errored" | "skipped";
  seconds: number;
  /** The failure's or skip's message (one line). */
  message?: string;
  /** The failure's text (a traceback), trimmed to its last lines. */
  detail?: string;
}

/** One attempt of a scenario: its steps and the test, and what the attempt amounted to. */
export interface AttemptResult {
  attempt: number;
  status: AttemptStatus;
  reason: Reason;
  /** The test command's result, when it ran. */
  test?: CommandResult;
  steps: CommandResult[];
  startedAt: string;
  endedAt: string;
  durationSeconds: number;
}

/**
 * What began a chain of skips, for programs (the skip's `detail` says the same for people). Exactly
 * one key names what it was, as Bazel's build events name a root cause by kind:
 * - `{ scenario, status }`: a scenario of this run did not pass (the one kind earlier reports carried);
 * - `{ worktree, problem }`: a worktree could not be used (`setup-failed`, `worktree-busy`, ...);
 * - `{ notSelected }`: a dependency left out of the run (`--no-deps`).
 */
export type RootCause =
  | { scenario: string; status: FinalStatus }
  | { worktree: string; problem: WorktreeProblem }
  | { notSelected: string };

/** What blocked a skipped scenario. */
export interface SkipCause {
  reason: Reason;
  /** A sentence for people, e.g. `dependency "lexer" failed (exit-non-zero)`. */
  detail: string;
  /** The dependency (direct) that did not pass, when that is the cause. */
  dependency?: string;
  /**
   * What began the chain this skip is part of; a scenario skipped for its own worktree or for a
   * dependency left out of the run begins one. Absent for `max-failures`, which is no chain.
   */
  rootCause?: RootCause;
}

/** A worktree's scenarios are skipped for its problem, which is their reason. */
export interface WorktreeSkipCause extends SkipCause {
  reason: WorktreeProblem;
}

/** One result per scenario, however many attempts. */
export interface ScenarioResult {
  name: string;
  description: string;
  worktree: string;
  tags: string[];
  status: FinalStatus;
  reason: Reason;
  detail: string;
  /** Passed after at least one failed attempt. */
  flaky: boolean;
  attempts: AttemptResult[];
  skip?: SkipCause;
  /** Carried over by `--resume` from the run that passed it. */
  resumedFrom?: string;
}

/** Events a run emits, in order. */
export type GroveEvent =
  | {
      type: "run-started";
      at: string;
      runId: string;
      runDir: string;
      scenarios: number;
      workers: number;
      worktrees: string[];
    }
  | {
      type: "scenario-status";
      at: string;
      name: string;
      worktree: string;
      status: ScenarioStatus;
      reason?: Reason;
      detail?: string;
    }
  | {
      type: "attempt-started";
      at: string;
      name: string;
      worktree: string;
      attempt: number;
      command: string[];
      logPath: string;
      /** The worker slot (1..workers) the scheduler gave this scenario. */
      slot?: number;
    }
  | { type: "attempt-finished"; at: string; name: string; worktree: string; result: AttemptResult }
  | { type: "scenario-finished"; at: string; result: ScenarioResult }
  | {
      type: "worktree-status";
      at: string;
      worktree: string;
      state: WorktreeEventState;
      /** While `setting-up`, the step (`step 2/3: build`); for a problem, what is wrong and the fix. */
      detail?: string;
    }
  | { type: "leak-found"; at: string; leak: ResourceLeak }
  | { type: "run-finished"; at: string; interrupted: boolean; wallSeconds: number };

/** What became of one worktree in a run (the report's `worktrees` entries). */
export interface WorktreeReport {
  name: string;
  path: string;
  branch?: string;
  head?: string;
  /** `ready`, the problem that kept it from being ready, or after cleanup `removed` / `kept`. */
  state: WorktreeState;
  created?: boolean;
  /** Removed, but the branch Grove created is still there though no commit needs it. */
  branch_left?: boolean;
  setup_seconds?: number;
  kept_reasons?: string[];
  detail?: string;
  /** Setup failed: the failing step's log (relative to the run dir in the JSON report) and its last lines. */
  log_path?: string;
  output_tail?: string;
}

/** A resource that outlived its owner. */
export interface ResourceLeak {
  resource_id: string;
  type: "process" | "worktree" | "branch" | "temp-dir";
  module: string;
  scenario?: string;
  attempt?: number;
  /** A process a worktree's setup step left running: the worktree and the step. */
  worktree?: string;
  step?: string;
  /** A process a run that died (kill -9) left running: that run's id. */
  run_id?: string;
  pid?: number;
  command?: string;
  ageSeconds?: number;
  ports?: number[];
  path?: string;
  ended?: boolean;
}

/**
 * A failure of the environment that stopped a run midway (EMFILE, ENFILE, EAGAIN, ENOMEM, a disk that
 * cannot take a log): `code` is the errno code, `message` names the resource and what to do.
 */
export interface EnvironmentFailure {
  code: string;
  message: string;
}

export type EventListener = (event: GroveEvent) => void;

/** The second most recently formatted, as local time without its milliseconds, and its UTC offset. */
let cachedSecond = Number.NaN;
let cachedPrefix = "";
let cachedOffset = "";

/**
 * Local time with its UTC offset, e.g. 2026-11-24T04:01:33.120+00:00 (the original had no zone).
 * A run stamps ~10 events per scenario: the second's text and offset are formatted once per second
 * (an offset changes only on a whole minute), which costs a fifth of formatting each in full.
 */
export function timestamp(date?: Date): string {
  const ms = date ? date.getTime() : Date.now();
  const second = Math.floor(ms / 1000);
  if (second !== cachedSecond) {
    const at = new Date(second * 1000);
    const offsetMinutes = -at.getTimezoneOffset();
    const sign = offsetMinutes >= 0 ? "+" : "-";
    const abs = Math.abs(offsetMinutes);
    cachedPrefix = new Date(at.getTime() + offsetMinutes * 60_000).toISOString().slice(0, 19);
    cachedOffset = `${sign}${String(Math.floor(abs / 60)).padStart(2, "0")}:${String(abs % 60).padStart(2, "0")}`;
    cachedSecond = second;
  }
  const millis = ms - second * 1000;
  return `${cachedPrefix}.${millis < 10 ? "00" : millis < 100 ? "0" : ""}${millis}${cachedOffset}`;
}
