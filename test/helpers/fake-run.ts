/** Drives real machines with fake step/test actors whose outcomes a test chooses; no processes. */
import { fromPromise } from "xstate";
import type { AttemptStatus, CommandResult, ScenarioResult } from "../../src/events.js";
import type { CommandInput } from "../../src/machines/scenario-machine.js";
import { type RunScenarioSpec, startRun } from "../../src/scheduler/start-run.js";
import { commandResult } from "./command-result.js";

export type FakeOutcome = "pass" | "fail" | "crash" | "hang" | "flaky";

export interface FakeRunInput {
  deps: number[][];
  outcomes: FakeOutcome[];
  retries: number[];
  workers: number;
  worktrees: number;
  maxPerWorktree: number;
  /** Interrupt after this many test starts (never when undefined). */
  interruptAfter?: number;
  before?: string[];
  after?: string[];
  failingBefore?: boolean;
}

export interface FakeRunObservation {
  results: ScenarioResult[];
  /** Names in the order their tests started, with the statuses of their dependencies at that moment. */
  starts: { name: string; attempt: number; depStatuses: string[] }[];
  maxRunning: number;
  maxRunningPerWorktree: number;
  finishedCalls: Map<string, number>;
  /** Every status each scenario reported, in order. */
  statusLog: Map<string, string[]>;
  stepsRun: { name: string; phase: string; attempt: number }[];
  interrupted: boolean;
}

const tick = () => new Promise<void>((r) => setImmediate(r));

export async function fakeRun(input: FakeRunInput): Promise<FakeRunObservation> {
  const n = input.deps.length;
  const names = input.deps.map((_, i) => `s${i}`);
  const wt = (i: number) => `w${i % input.worktrees}`;
  const dependents = names.map((_, i) => names.filter((_, j) => input.deps[j]!.includes(i)));
  const finalStatus = new Map<string, string>();
  const obs: FakeRunObservation = {
    results: [],
    starts: [],
    maxRunning: 0,
    maxRunningPerWorktree: 0,
    finishedCalls: new Map(),
    statusLog: new Map(),
    stepsRun: [],
    interrupted: false,
  };
  let running = 0;
  const runningIn = new Map<string, number>();
  const aborts = new Map<string, () => void>();
  let testStarts = 0;
  let handle: ReturnType<typeof startRun> | undefined;

  const result = (ci: CommandInput, status: AttemptStatus, reason: string): CommandResult =>
    commandResult(ci.phase, status, reason, ["fake", ci.scenario]);

  const runTest = fromPromise<CommandResult, CommandInput>(async ({ input: ci }) => {
    const i = Number(ci.scenario.slice(1));
    obs.starts.push({
      name: ci.scenario,
      attempt: ci.attempt,
      depStatuses: input.deps[i]!.map((d) => finalStatus.get(names[d]!) ?? "unfinished"),
    });
    running++;
    runningIn.set(wt(i), (runningIn.get(wt(i)) ?? 0) + 1);
    obs.maxRunning = Math.max(obs.maxRunning, running);
    obs.maxRunningPerWorktree = Math.max(obs.maxRunningPerWorktree, runningIn.get(wt(i))!);
    testStarts++;
    let cancelled = false;
    aborts.set(ci.scenario, () => {
      cancelled = true;
    });
    if (input.interruptAfter !== undefined && testStarts === input.interruptAfter && handle) {
      obs.interrupted = true;
      const h = handle;
      setImmediate(() => h.interrupt());
    }
    for (let k = 0; k < (i * 7 + ci.attempt) % 4; k++) await tick();
    running--;
    runningIn.set(wt(i), runningIn.get(wt(i))! - 1);
    aborts.delete(ci.scenario);
    if (cancelled) return result(ci, "cancelled", "cancelled");
    switch (input.outcomes[i]!) {
      case "pass":
        return result(ci, "passed", "exit-zero");
      case "fail":
        return result(ci, "failed", "exit-non-zero");
      case "crash":
        return result(ci, "errored", "spawn-failed");
      case "hang":
        return result(ci, "timed-out", "timeout");
      case "flaky":
        return ci.attempt === 1 ? result(ci, "failed", "exit-non-zero") : result(ci, "passed", "exit-zero");
    }
  });
  const runStep = fromPromise<CommandResult, CommandInput>(async ({ input: ci }) => {
    obs.stepsRun.push({ name: ci.scenario, phase: ci.phase, attempt: ci.attempt });
    await tick();
    return input.failingBefore && ci.phase === "before"
      ? result(ci, "failed", "exit-non-zero")
      : result(ci, "passed", "exit-zero");
  });

  const specs: RunScenarioSpec[] = names.map((name, i) => ({
    input: {
      name,
      worktree: wt(i),
      retries: input.retries[i] ?? 0,
      timeoutMs: 1000,
      retryOn: ["failed", "timed-out"],
    },
    about: { description: "", tags: [] },
    schedule: {
      name,
      worktree: wt(i),
      dependencies: input.deps[i]!.map((d) => names[d]!),
      dependents: dependents[i]!,
      priority: n - i,
      unselectedDependencies: [],
    },
  }));
  handle = startRun({
    scenarios: specs,
    shape: { before: input.before ?? [], after: input.after ?? [] },
    ready: {
      workers: input.workers,
      maxPerWorktree: input.maxPerWorktree,
      assumeDependenciesPassed: false,
      worktreesStartReady: true,
    },
    actors: { runStep, runTest },
    abortAttempt: (name) => aborts.get(name)?.(),
    onStatus: (name, status) => obs.statusLog.set(name, [...(obs.statusLog.get(name) ?? []), status]),
    onFinished: (r) => {
      finalStatus.set(r.name, r.status);
      obs.finishedCalls.set(r.name, (obs.finishedCalls.get(r.name) ?? 0) + 1);
    },
  });
  obs.results = await handle.finished;
  return obs;
}
