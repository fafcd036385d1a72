/**
 * Wires a run: a run actor that schedules, and independent scenario actors driven by its commands.
 * Only scenarios that run (or are being settled) have a live actor: one is created when its scenario
 * starts, replayed through pending -> waiting -> queued -> running, and dropped once final, so memory
 * stays flat with 10,000 scenarios. Until then a scenario's status is kept here. Actor implementations
 * are injected, so tests drive real machines without processes and the executor with real ones.
 *
 * Not responsible for: what a step does (injected), events for reporters beyond status changes.
 */
import { type AnyActorLogic, createActor, type InspectionEvent } from "xstate";
import type { AttemptResult, ScenarioResult, ScenarioStatus, SkipCause } from "../events.js";
import {
  createScenarioMachine,
  type ScenarioMachineInput,
  type ScenarioPipelineShape,
} from "../machines/scenario-machine.js";
import { finalStatusOf, type ScenarioDescription, toScenarioResult } from "../machines/scenario-result.js";
import {
  ReadySet,
  type ReadySetOptions,
  type SchedulableScenario,
  type SchedulerCommand,
} from "./ready-set.js";
import { runMachine } from "./run-machine.js";

export interface RunScenarioSpec {
  input: ScenarioMachineInput;
  about: ScenarioDescription;
  schedule: SchedulableScenario;
}

export interface StartRunOptions {
  scenarios: readonly RunScenarioSpec[];
  shape: ScenarioPipelineShape;
  ready: ReadySetOptions;
  /** Implementations of "runStep" and "runTest". */
  actors: { runStep: AnyActorLogic; runTest: AnyActorLogic };
  /** Asks the command a scenario is running now to end (the "abortAttempt" action). */
  abortAttempt(name: string): void;
  onStatus?(name: string, status: ScenarioStatus, skip?: SkipCause): void;
  /** The worker slot the scheduler gave a scenario, just before it starts. */
  onSlot?(name: string, slot: number): void;
  onAttemptFinished?(name: string, attempt: AttemptResult): void;
  onFinished?(result: ScenarioResult): void;
  /** XState's inspection API, for the recorder. */
  inspect?(event: InspectionEvent, actor: string): void;
}

export interface RunHandle {
  interrupt(): void;
  worktreeReady(worktree: string): void;
  worktreeFailed(worktree: string, cause: SkipCause): void;
  /** Resolves when every scenario reached a final state, in plan order. */
  finished: Promise<ScenarioResult[]>;
  /** The most scenarios that ran at once. */
  maxConcurrency(): number;
  /** Current status of each scenario. */
  statuses(): Map<string, ScenarioStatus>;
}

/** Scenario machine state value -> status ({running: "test"} is running, retrying is running). */
export function statusOf(value: unknown): ScenarioStatus {
  if (typeof value === "object" && value !== null) return "running";
  const final = finalStatusOf(value);
  if (final) return final;
  if (value === "retrying") return "running";
  return value as ScenarioStatus;
}

/** How far along each status is; a final status is the last stage. */
const STAGE: Record<ScenarioStatus, number> = {
  pending: 0,
  waiting: 1,
  queued: 2,
  running: 3,
  passed: 4,
  failed: 4,
  "timed-out": 4,
  errored: 4,
  skipped: 4,
  cancelled: 4,
};

export function startRun(options: StartRunOptions): RunHandle {
  const machine = createScenarioMachine(options.shape).provide({
    actors: options.actors as never,
    actions: { abortAttempt: ({ context }) => options.abortAttempt(context.name) },
  });
  const ready = new ReadySet(
    options.scenarios.map((s) => s.schedule),
    options.ready,
  );
  const run = createActor(runMachine, {
    input: { ready },
    ...(options.inspect ? { inspect: (e) => options.inspect!(e, "run") } : {}),
  });

  const specs = new Map(options.scenarios.map((spec) => [spec.input.name, spec]));
  const live = new Map<string, ReturnType<typeof createActor<typeof machine>>>();
  const statuses = new Map<string, ScenarioStatus>();
  const results = new Map<string, ScenarioResult>();

  let resolveFinished!: (r: ScenarioResult[]) => void;
  let rejectFinished!: (e: unknown) => void;
  const finished = new Promise<ScenarioResult[]>((resolve, reject) => {
    resolveFinished = resolve;
    rejectFinished = reject;
  });

  const setStatus = (name: string, status: ScenarioStatus, skip?: SkipCause) => {
    // Statuses only move forward: a scenario's actor, created when it starts, replays pending ->
    // waiting -> queued, which the ready set has reported already.
    const current = statuses.get(name);
    if (current !== undefined && STAGE[status] <= STAGE[current]) return;
    statuses.set(name, status);
    options.onStatus?.(name, status, skip);
  };

  /** Creates, observes and starts the actor of one scenario, replaying it to `waiting`. */
  const materialize = (name: string) => {
    const spec = specs.get(name)!;
    const actor = createActor(machine, {
      input: spec.input,
      ...(options.inspect ? { inspect: (e) => options.inspect!(e, name) } : {}),
    });
    let attemptsSeen = 0;
    actor.subscribe({
      next: (snapshot) => {
        const status = statusOf(snapshot.value);
        const ctx = snapshot.context;
        for (; attemptsSeen < ctx.attempts.length; attemptsSeen++)
          options.onAttemptFinished?.(name, ctx.attempts[attemptsSeen]!);
        setStatus(name, status, status === "skipped" ? (ctx.skip ?? undefined) : undefined);
        if (snapshot.status === "done" && !results.has(name)) {
          const result = toScenarioResult(snapshot.value, ctx, spec.about);
          results.set(name, result);
          live.delete(name);
          options.onFinished?.(result);
          run.send({ type: "SCENARIO_SETTLED", name, status: result.status });
        }
      },
      error: (error) => rejectFinished(error),
    });
    live.set(name, actor);
    actor.start();
    actor.send({ type: "RUN" });
    return actor;
  };

  const dispatch = (commands: SchedulerCommand[]) => {
    for (const c of commands) {
      switch (c.kind) {
        case "queue":
          setStatus(c.name, "queued");
          break;
        case "start": {
          options.onSlot?.(c.name, c.slot);
          const actor = materialize(c.name);
          actor.send({ type: "DEPENDENCIES_PASSED" });
          actor.send({ type: "START" });
          break;
        }
        case "skip":
          (live.get(c.name) ?? materialize(c.name)).send({ type: "SKIP", cause: c.cause });
          break;
        case "cancel":
          (live.get(c.name) ?? materialize(c.name)).send({ type: "CANCEL" });
          break;
      }
    }
  };
  run.on("dispatch", (e) => dispatch(e.commands));
  run.subscribe({
    next: (snapshot) => {
      if (snapshot.status !== "done") return;
      resolveFinished(options.scenarios.map((s) => results.get(s.input.name)!));
    },
    error: (error) => rejectFinished(error),
  });

  for (const spec of options.scenarios) setStatus(spec.input.name, "waiting");
  run.start();
  run.send({ type: "START" });

  return {
    interrupt: () => run.send({ type: "INTERRUPT" }),
    worktreeReady: (worktree) => run.send({ type: "WORKTREE_READY", worktree }),
    worktreeFailed: (worktree, cause) => run.send({ type: "WORKTREE_FAILED", worktree, cause }),
    finished,
    maxConcurrency: () => ready.maxConcurrency,
    statuses: () => new Map(statuses),
  };
}
