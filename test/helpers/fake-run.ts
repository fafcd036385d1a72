/**
 * Drives the real run and scenario machines with fake step/test actors whose every outcome a test
 * chooses (per scenario and attempt, per step), fake worktrees that start ready, turn ready late or
 * fail, and an optional interrupt; no processes. It records what happened (what ran, in which order,
 * what was ready at each start) for the property tests to compare against `run-oracle.ts`.
 */
import { fromPromise } from "xstate";
import type { RetryableStatus } from "../../src/config/types.js";
import type {
  AttemptResult,
  CommandResult,
  ScenarioResult,
  SkipCause,
  WorktreeSkipCause,
} from "../../src/events.js";
import type { CommandInput } from "../../src/machines/scenario-machine.js";
import { type RunScenarioSpec, startRun } from "../../src/scheduler/start-run.js";
import { commandResult } from "./command-result.js";

/** What a before step does: pass, exit non-zero, time out, fail to spawn, or its actor throws. */
export type StepOutcome = "pass" | "fail" | "hang" | "crash" | "throw";
/** What the test command does. */
export type TestOutcome = "pass" | "fail" | "hang" | "crash" | "throw";

/** One attempt's script: each before step's outcome, the test's, each after step's. */
export interface AttemptPlan {
  before: StepOutcome[];
  test: TestOutcome;
  after: StepOutcome[];
}

export type WorktreeStart = "ready" | "late" | "failing";

export interface FakeScenario {
  /** Indices of dependencies (all lower than the scenario's own index). */
  deps: number[];
  /** Dependencies outside the run (`--no-deps`). */
  unselected: string[];
  worktree: number;
  priority: number;
  retries: number;
  retryOn: RetryableStatus[];
  /** One script per possible attempt (1 + retries). */
  attempts: AttemptPlan[];
  /** setImmediate ticks each command takes. */
  ticks: number;
}

export interface FakeRunInput {
  scenarios: FakeScenario[];
  /** Names of the pipeline's before and after steps. */
  before: string[];
  after: string[];
  workers: number;
  maxPerWorktree: number;
  /** How each worktree becomes ready; `late` ones after `lateTicks` ticks. */
  worktrees: WorktreeStart[];
  lateTicks: number;
  assumeDependenciesPassed: boolean;
  /** Interrupt when this many attempts have started (never when undefined). */
  interruptAfter?: number;
}

/** A scenario's first attempt started: what else could have started at that moment. */
export interface StartObservation {
  index: number;
  /** Scenarios that could have started instead: dependencies passed, worktree ready with a free slot. */
  eligible: number[];
  worktreeReady: boolean;
  runningInWorktree: number;
  running: number;
}

export interface FakeRunObservation {
  results: ScenarioResult[];
  starts: StartObservation[];
  /** Every command run: scenario index, attempt, phase and step index. */
  commands: { index: number; attempt: number; phase: CommandInput["phase"]; step: number }[];
  maxRunning: number;
  finishedCalls: Map<string, number>;
  statusLog: Map<string, string[]>;
  /** Whether the interrupt was sent, and which scenarios had finished before it. */
  interrupted: boolean;
  finishedBeforeInterrupt: Set<string>;
  /** What the hooks reporters use were told: each attempt as it finished, the skip with its status. */
  attemptsReported: Map<string, AttemptResult[]>;
  skipsReported: Map<string, SkipCause | undefined>;
  /** The worker slot each scenario was given, and any slot handed out while another scenario held it. */
  slots: Map<string, number>;
  slotClashes: string[];
  /** After the run: the handle's statuses and the most that ran at once. */
  finalStatuses: Map<string, string>;
  maxConcurrency: number;
}

const tick = () => new Promise<void>((r) => setImmediate(r));
const ticks = async (n: number) => {
  for (let k = 0; k < n; k++) await tick();
};
export const WORKTREE_FAILURE: WorktreeSkipCause = { reason: "setup-failed", detail: "fake setup failed" };
export const nameOf = (i: number) => `s${i}`;
const indexOf = (name: string) => Number(name.slice(1));
const worktreeName = (w: number) => `w${w}`;

/**
 * Rejects if `progress()` stops changing for many ticks while the run has not finished: every fake
 * command ends within a few ticks, so a run that goes quiet has stalled (a scheduler that forgot a
 * scenario). Turns a hang into a failure at once instead of a test timeout.
 */
function stalled(progress: () => number, done: () => boolean): Promise<never> {
  return new Promise((_, reject) => {
    let last = -1;
    let quiet = 0;
    const watch = () => {
      const now = progress();
      quiet = now === last ? quiet + 1 : 0;
      last = now;
      if (done()) return;
      if (quiet > 200) reject(new Error(`the run stalled: no progress for ${quiet} ticks`));
      else setImmediate(watch).unref();
    };
    watch();
  });
}

export async function fakeRun(input: FakeRunInput): Promise<FakeRunObservation> {
  const scenarios = input.scenarios;
  const n = scenarios.length;
  const obs: FakeRunObservation = {
    results: [],
    starts: [],
    commands: [],
    maxRunning: 0,
    finishedCalls: new Map(),
    statusLog: new Map(),
    interrupted: false,
    finishedBeforeInterrupt: new Set(),
    attemptsReported: new Map(),
    skipsReported: new Map(),
    slots: new Map(),
    slotClashes: [],
    finalStatuses: new Map(),
    maxConcurrency: 0,
  };
  const slotHolders = new Map<number, string>();
  const finished = new Map<number, string>();
  const started = new Set<number>();
  const readyWorktrees = new Set<number>();
  const aborts = new Map<string, () => void>();
  let attemptsStarted = 0;
  let handle: ReturnType<typeof startRun> | undefined;

  const runningIn = (w: number) =>
    [...started].filter((i) => !finished.has(i) && scenarios[i]!.worktree === w).length;
  const running = () => [...started].filter((i) => !finished.has(i)).length;

  /** Called at the first command of every attempt. */
  const attemptBegins = (i: number, attempt: number) => {
    if (attempt === 1) {
      const s = scenarios[i]!;
      const eligible: number[] = [];
      for (let j = 0; j < n; j++) {
        const o = scenarios[j]!;
        if (started.has(j) || finished.has(j) || !readyWorktrees.has(o.worktree)) continue;
        if (runningIn(o.worktree) >= input.maxPerWorktree) continue;
        if (o.unselected.length > 0 && !input.assumeDependenciesPassed) continue;
        if (o.deps.every((d) => finished.get(d) === "passed")) eligible.push(j);
      }
      obs.starts.push({
        index: i,
        eligible,
        worktreeReady: readyWorktrees.has(s.worktree),
        runningInWorktree: runningIn(s.worktree),
        running: running(),
      });
      started.add(i);
      obs.maxRunning = Math.max(obs.maxRunning, running());
    }
    attemptsStarted++;
    if (input.interruptAfter !== undefined && attemptsStarted === input.interruptAfter && handle) {
      const h = handle;
      setImmediate(() => {
        if (finished.size === n) return;
        obs.interrupted = true;
        for (const name of finished.keys()) obs.finishedBeforeInterrupt.add(nameOf(name));
        h.interrupt();
      });
    }
  };

  const result = (ci: CommandInput, outcome: StepOutcome | TestOutcome): CommandResult => {
    switch (outcome) {
      case "pass":
        return commandResult(ci.phase, "passed", "exit-zero", ["fake", ci.scenario]);
      case "fail":
        return commandResult(ci.phase, "failed", "exit-non-zero", ["fake", ci.scenario]);
      case "hang":
        return commandResult(ci.phase, "timed-out", "timeout", ["fake", ci.scenario]);
      case "crash":
        return commandResult(ci.phase, "errored", "spawn-failed", ["fake", ci.scenario]);
      case "throw":
        throw new Error(`fake ${ci.phase} actor of ${ci.scenario} threw`);
    }
  };

  const command = async (ci: CommandInput): Promise<CommandResult> => {
    const i = indexOf(ci.scenario);
    const s = scenarios[i]!;
    const first = ci.phase === "before" ? ci.index === 0 : ci.phase === "test" && input.before.length === 0;
    if (first) attemptBegins(i, ci.attempt);
    obs.commands.push({ index: i, attempt: ci.attempt, phase: ci.phase, step: ci.index });
    const plan = s.attempts[ci.attempt - 1]!;
    let cancelled = false;
    if (ci.phase !== "after")
      aborts.set(ci.scenario, () => {
        cancelled = true;
      });
    await ticks(s.ticks);
    aborts.delete(ci.scenario);
    if (cancelled) return commandResult(ci.phase, "cancelled", "cancelled", ["fake", ci.scenario]);
    if (ci.phase === "test") return result(ci, plan.test);
    return result(ci, (ci.phase === "before" ? plan.before : plan.after)[ci.index]!);
  };
  const runStep = fromPromise<CommandResult, CommandInput>(({ input: ci }) => command(ci));
  const runTest = fromPromise<CommandResult, CommandInput>(({ input: ci }) => command(ci));

  const specs: RunScenarioSpec[] = scenarios.map((s, i) => ({
    input: {
      name: nameOf(i),
      worktree: worktreeName(s.worktree),
      retries: s.retries,
      timeoutMs: 1000,
      retryOn: s.retryOn,
    },
    about: { description: "", tags: [] },
    schedule: {
      name: nameOf(i),
      worktree: worktreeName(s.worktree),
      dependencies: s.deps.map(nameOf),
      dependents: scenarios.flatMap((o, j) => (o.deps.includes(i) ? [nameOf(j)] : [])),
      priority: s.priority,
      unselectedDependencies: s.unselected,
    },
  }));
  handle = startRun({
    scenarios: specs,
    shape: { before: input.before, after: input.after },
    ready: {
      workers: input.workers,
      maxPerWorktree: input.maxPerWorktree,
      assumeDependenciesPassed: input.assumeDependenciesPassed,
      worktreesStartReady: false,
    },
    actors: { runStep, runTest },
    abortAttempt: (name) => aborts.get(name)?.(),
    onStatus: (name, status, skip) => {
      obs.statusLog.set(name, [...(obs.statusLog.get(name) ?? []), status]);
      if (status === "skipped") obs.skipsReported.set(name, skip);
    },
    onSlot: (name, slot) => {
      const holder = slotHolders.get(slot);
      if (holder !== undefined) obs.slotClashes.push(`${name} got slot ${slot} held by ${holder}`);
      slotHolders.set(slot, name);
      obs.slots.set(name, slot);
    },
    onAttemptFinished: (name, attempt) =>
      obs.attemptsReported.set(name, [...(obs.attemptsReported.get(name) ?? []), attempt]),
    onFinished: (r) => {
      const slot = obs.slots.get(r.name);
      if (slot !== undefined && slotHolders.get(slot) === r.name) slotHolders.delete(slot);
      finished.set(indexOf(r.name), r.status);
      obs.finishedCalls.set(r.name, (obs.finishedCalls.get(r.name) ?? 0) + 1);
    },
  });
  const used = new Set(scenarios.map((s) => s.worktree));
  // Failures first, then the worktrees ready at once; the late ones after a few ticks.
  // Nothing is sent to a run that has ended (every scenario may be skipped before any worktree is ready).
  input.worktrees.forEach((start, w) => {
    if (start === "failing" && used.has(w) && finished.size < n)
      handle!.worktreeFailed(worktreeName(w), WORKTREE_FAILURE);
  });
  const makeReady = (w: number) => {
    if (finished.size === n) return;
    readyWorktrees.add(w);
    handle!.worktreeReady(worktreeName(w));
  };
  input.worktrees.forEach((start, w) => {
    if (start === "ready" && used.has(w)) makeReady(w);
  });
  const late = input.worktrees.flatMap((start, w) => (start === "late" && used.has(w) ? [w] : []));
  if (late.length > 0) {
    ticks(input.lateTicks).then(() => late.forEach(makeReady));
  }
  obs.results = await Promise.race([
    handle.finished,
    stalled(
      () => obs.commands.length + finished.size,
      () => finished.size === n,
    ),
  ]);
  obs.finalStatuses = handle.statuses();
  obs.maxConcurrency = handle.maxConcurrency();
  return obs;
}
