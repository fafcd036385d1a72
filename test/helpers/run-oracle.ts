/**
 * The independent oracle for the run property test: from the DAG, the worktrees' fates and the scripted
 * outcomes alone, what each scenario must end as (status, reason, which dependency a skip names) and
 * which commands each attempt must run. It is written from the documented rules, not from the
 * scheduler's code: nothing here knows about ready sets, heaps or machines.
 *
 * Rules, in the order their causes arrive in a run:
 * 1. At the start, a scenario with a dependency outside the run is skipped (`dependency-not-selected`)
 *    unless `--assume-deps-passed`; its dependents are skipped with `dependency-failed`.
 * 2. Then each failing worktree (in order) skips its scenarios that are not decided yet with the
 *    worktree's cause, and their dependents with `dependency-failed`.
 * 3. Everything else runs once its dependencies passed (any other dependency outcome skips it with
 *    `dependency-failed`, naming a dependency that did not pass). An attempt runs the before steps up to
 *    the first that does not pass; the test only when all passed; every after step always. A before step
 *    that times out makes the attempt `timed-out`, any other failure `errored`, both `before-step-failed`;
 *    an after step that does not pass turns a passing attempt into `errored` (`after-step-failed`); a
 *    throwing actor is `errored` with an `internal-error` reason. A non-passing attempt is retried while
 *    retries remain and its status is in `retry_on`. The scenario ends as its last attempt.
 */
import type { FinalStatus, Reason } from "../../src/events.js";
import { type AttemptPlan, type FakeRunInput, nameOf, WORKTREE_FAILURE } from "./fake-run.js";

export interface ExpectedCommand {
  attempt: number;
  phase: "before" | "test" | "after";
  step: number;
}

export interface ExpectedOutcome {
  status: FinalStatus;
  /** Exact reason, or a prefix when `reasonPrefix` is set (an internal error carries its message). */
  reason: Reason;
  reasonPrefix: boolean;
  /** For `dependency-failed`: the dependencies a skip may name (those that did not pass). */
  skippedBecauseOf?: string[];
  /** For `dependency-not-selected`: the unselected dependency named. */
  dependency?: string;
  attempts: number;
  flaky: boolean;
  commands: ExpectedCommand[];
}

const STEP_RESULT = {
  pass: { status: "passed", reason: "exit-zero" },
  fail: { status: "failed", reason: "exit-non-zero" },
  hang: { status: "timed-out", reason: "timeout" },
  crash: { status: "errored", reason: "spawn-failed" },
} as const;

interface AttemptOutcome {
  status: "passed" | "failed" | "timed-out" | "errored";
  reason: string;
  prefix: boolean;
  commands: ExpectedCommand[];
}

/** What one scripted attempt amounts to, and the commands it runs. */
function expectedAttempt(plan: AttemptPlan, attempt: number): AttemptOutcome {
  const commands: ExpectedCommand[] = [];
  let outcome: Omit<AttemptOutcome, "commands"> | undefined;
  for (let k = 0; k < plan.before.length && !outcome; k++) {
    commands.push({ attempt, phase: "before", step: k });
    const o = plan.before[k]!;
    if (o === "throw") outcome = { status: "errored", reason: "internal-error", prefix: true };
    else if (o === "hang") outcome = { status: "timed-out", reason: "before-step-failed", prefix: false };
    else if (o !== "pass") outcome = { status: "errored", reason: "before-step-failed", prefix: false };
  }
  if (!outcome) {
    commands.push({ attempt, phase: "test", step: 0 });
    outcome =
      plan.test === "throw"
        ? { status: "errored", reason: "internal-error", prefix: true }
        : { ...STEP_RESULT[plan.test], prefix: false };
  }
  plan.after.forEach((o, k) => {
    commands.push({ attempt, phase: "after", step: k });
    if (outcome!.status !== "passed" || o === "pass") return;
    outcome =
      o === "throw"
        ? { status: "errored", reason: "internal-error", prefix: true }
        : { status: "errored", reason: "after-step-failed", prefix: false };
  });
  return { ...outcome, commands };
}

/** The expected outcome of every scenario of a run with no interrupt, by index. */
export function expectedOutcomes(input: FakeRunInput): ExpectedOutcome[] {
  const n = input.scenarios.length;
  const out: (ExpectedOutcome | undefined)[] = new Array(n).fill(undefined);
  const skipped = (reason: Reason, extra: Partial<ExpectedOutcome>): ExpectedOutcome => ({
    status: "skipped",
    reason,
    reasonPrefix: false,
    attempts: 0,
    flaky: false,
    commands: [],
    ...extra,
  });
  /** Dependencies already decided as not passing. */
  const blockers = (i: number) =>
    input.scenarios[i]!.deps.filter((d) => out[d] !== undefined && out[d]!.status !== "passed").map(nameOf);

  // 1. Unselected dependencies, at the start.
  for (let i = 0; i < n; i++) {
    const s = input.scenarios[i]!;
    const blocked = blockers(i);
    if (blocked.length > 0) out[i] = skipped("dependency-failed", { skippedBecauseOf: blocked });
    else if (s.unselected.length > 0 && !input.assumeDependenciesPassed)
      out[i] = skipped("dependency-not-selected", { dependency: s.unselected[0]! });
  }
  // 2. Failing worktrees, in order.
  input.worktrees.forEach((start, w) => {
    if (start !== "failing") return;
    for (let i = 0; i < n; i++) {
      if (out[i] !== undefined) continue;
      const blocked = blockers(i);
      if (blocked.length > 0) out[i] = skipped("dependency-failed", { skippedBecauseOf: blocked });
      else if (input.scenarios[i]!.worktree === w) out[i] = skipped(WORKTREE_FAILURE.reason, {});
    }
  });
  // 3. The rest runs, dependencies first (every dependency has a lower index).
  for (let i = 0; i < n; i++) {
    if (out[i] !== undefined) continue;
    const blocked = blockers(i);
    if (blocked.length > 0) {
      out[i] = skipped("dependency-failed", { skippedBecauseOf: blocked });
      continue;
    }
    const s = input.scenarios[i]!;
    const commands: ExpectedCommand[] = [];
    let last: AttemptOutcome | undefined;
    let attempt = 0;
    do {
      attempt++;
      last = expectedAttempt(s.attempts[attempt - 1]!, attempt);
      commands.push(...last.commands);
    } while (
      last.status !== "passed" &&
      attempt <= s.retries &&
      (s.retryOn as readonly string[]).includes(last.status)
    );
    out[i] = {
      status: last.status,
      reason: last.reason,
      reasonPrefix: last.prefix,
      attempts: attempt,
      flaky: last.status === "passed" && attempt > 1,
      commands,
    };
  }
  return out as ExpectedOutcome[];
}
