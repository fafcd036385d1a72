/**
 * Wires a run: a run actor that schedules, and one scenario machine per scenario driven by its
 * commands. A scenario's status has one owner, its statechart: the scheduler's decisions (queue, skip,
 * cancel, start) are sent to it as events as they are made, and every status reported is read from
 * its snapshot. Live actors would cost memory and XState time (thousands of them, or one per running
 * scenario started and stopped a thousand times), so a scenario is only a snapshot stepped with its
 * machine's transition function: a resting one purely (pure-steps.ts), a running one with its effects
 * carried out (stepped-actors.ts: its actions, its invoked commands, their done events).
 * Actor implementations are injected, so tests drive real machines without processes and the
 * executor with real ones.
 *
 * Not responsible for: what a step does (injected), events for reporters beyond status changes.
 */
import { createActor, type InspectionEvent, type PromiseActorLogic, type SnapshotFrom } from "xstate";
import { unreachable } from "../errors.js";
import type {
  AttemptResult,
  CommandResult,
  ScenarioResult,
  ScenarioStatus,
  SkipCause,
  WorktreeSkipCause,
} from "../events.js";
import {
  type CommandInput,
  createScenarioMachine,
  type ScenarioEvent,
  type ScenarioMachine,
  type ScenarioMachineInput,
  type ScenarioPipelineShape,
} from "../machines/scenario-machine.js";
import { finalStatusOf, type ScenarioDescription, toScenarioResult } from "../machines/scenario-result.js";
import { pureSteps } from "./pure-steps.js";
import {
  ReadySet,
  type ReadySetOptions,
  type SchedulableScenario,
  type SchedulerCommand,
} from "./ready-set.js";
import { runMachine } from "./run-machine.js";
import { type SteppedActor, steppedActors } from "./stepped-actors.js";

export interface RunScenarioSpec {
  input: ScenarioMachineInput;
  about: ScenarioDescription;
  schedule: SchedulableScenario;
}

/** A step or test actor of the scenario machine: a command in, its result out. */
export type StepActor = PromiseActorLogic<CommandResult, CommandInput>;

export interface StartRunOptions {
  scenarios: readonly RunScenarioSpec[];
  shape: ScenarioPipelineShape;
  ready: ReadySetOptions;
  /** Implementations of "runStep" and "runTest". */
  /** The step and test actors (steps/scenario-actors.ts, or a test's fakes). */
  actors: { runStep: StepActor; runTest: StepActor };
  /** Asks the command a scenario is running now to end (the "abortAttempt" action). */
  abortAttempt(name: string): void;
  onStatus?(name: string, status: ScenarioStatus, skip?: SkipCause): void;
  /** The worker slot the scheduler gave a scenario, just before it starts. */
  onSlot?(name: string, slot: number): void;
  onAttemptFinished?(name: string, attempt: AttemptResult): void;
  onFinished?(result: ScenarioResult): void;
  /** XState's inspection API, for the recorder (the run's actor, and the scenarios that start). */
  inspect?(event: InspectionEvent, actor: string): void;
  /** A scenario's snapshot was stepped without an actor (so not inspected): the event and the new state. */
  onStep?(actor: string, event: string, value: unknown, status: string): void;
}

export interface RunHandle {
  /** Stop starting, cancel the rest; `cause` (the first one given) ends "cancelled by ..." in results. */
  interrupt(cause?: string): void;
  worktreeReady(worktree: string): void;
  worktreeFailed(worktree: string, cause: WorktreeSkipCause): void;
  /** Resolves when every scenario reached a final state, in plan order. */
  finished: Promise<ScenarioResult[]>;
  /** The most scenarios that ran at once. */
  maxConcurrency(): number;
  /** Current status of each scenario, read from its machine's snapshot. */
  statuses(): Map<string, ScenarioStatus>;
}

/** Scenario machine state value -> status ({running: "test"} is running, retrying is running). */
function statusOf(value: unknown): ScenarioStatus {
  if (typeof value === "object" && value !== null) return "running";
  const final = finalStatusOf(value);
  if (final) return final;
  if (value === "retrying") return "running";
  return value as ScenarioStatus;
}

export function startRun(given: StartRunOptions): RunHandle {
  // A hook that throws (the recorder's inspection, a caller's callback; a reporter's throw stops in
  // CompositeReporter) must not escape into XState, which rethrows an observer's error outside any
  // promise and so would end Grove mid-run with its commands running: the first error stops the run
  // as an interrupt does, and `finished` rejects with it at the end.
  let hookError: { error: unknown } | undefined;
  const options = guardHooks(given, (error) => {
    if (hookError) return;
    hookError = { error };
    setImmediate(() => {
      if (run.getSnapshot().status === "active") handle.interrupt("an error in Grove's reporting");
    });
  });
  const machine = createScenarioMachine(options.shape).provide({
    actors: options.actors,
    actions: { abortAttempt: ({ context }) => options.abortAttempt(context.name) },
  });
  const pure = pureSteps(machine);
  const stepped = steppedActors(machine, options.inspect);
  const ready = new ReadySet(
    options.scenarios.map((s) => s.schedule),
    options.ready,
  );
  /** The run's machine, stepped like the scenarios' (started once every scenario is waiting). */
  let run: SteppedActor<typeof runMachine>;

  type Snapshot = SnapshotFrom<ScenarioMachine>;
  /**
   * A resting machine: its state value and context only. A full snapshot holds ~5 KB of resolved
   * state nodes and methods (bench: +62 MB of heap for 10,000 scenarios against +11 MB before);
   * `resolveState` rebuilds one from these when the scenario is stepped or started.
   */
  type Resting = Pick<Snapshot, "value" | "context">;
  const specs = new Map(options.scenarios.map((spec) => [spec.input.name, spec]));
  /** Scenarios that are not running: their machine at rest, stepped purely. */
  const resting = new Map<string, Resting>();
  /** Running scenarios. */
  const running = new Map<string, SteppedActor<ScenarioMachine>>();
  const results = new Map<string, ScenarioResult>();

  let resolveFinished!: (r: ScenarioResult[]) => void;
  let rejectFinished!: (e: unknown) => void;
  const finished = new Promise<ScenarioResult[]>((resolve, reject) => {
    resolveFinished = resolve;
    rejectFinished = reject;
  });

  /** Reports the status the new snapshot shows, when it differs from the one before. */
  const reportChange = (name: string, before: unknown, after: Resting) => {
    const status = statusOf(after.value);
    if (status !== statusOf(before))
      options.onStatus?.(name, status, status === "skipped" ? (after.context.skip ?? undefined) : undefined);
  };

  const settle = (name: string, snapshot: Resting) => {
    if (results.has(name)) return;
    const result = toScenarioResult(snapshot.value, snapshot.context, specs.get(name)!.about);
    results.set(name, result);
    resting.delete(name);
    running.delete(name);
    options.onFinished?.(result);
    run.send({ type: "SCENARIO_SETTLED", name, status: result.status });
  };

  /** Steps a resting scenario's machine by one event, purely; settles it when that made it final. */
  const step = (name: string, event: ScenarioEvent) => {
    const before = resting.get(name)!;
    const after = pure.rest(before, event);
    resting.set(name, { value: after.value, context: after.context });
    options.onStep?.(name, event.type, after.value, after.status);
    reportChange(name, before.value, after);
    if (after.status === "done") settle(name, after);
  };

  /** The scenario starts: stepped from its snapshot with its effects carried out, observed until final. */
  const start = (name: string) => {
    const snapshot = machine.resolveState(resting.get(name)!);
    resting.delete(name);
    let attemptsSeen = 0;
    let value: unknown = snapshot.value;
    const actor = stepped.start(name, snapshot, {
      next: (next) => {
        const ctx = next.context;
        for (; attemptsSeen < ctx.attempts.length; attemptsSeen++)
          options.onAttemptFinished?.(name, ctx.attempts[attemptsSeen]!);
        reportChange(name, value, next);
        value = next.value;
        if (next.status === "done") settle(name, next);
      },
      error: (error) => rejectFinished(error),
    });
    running.set(name, actor);
    actor.send({ type: "START" });
  };

  /** An event for a scenario, whether it rests or runs. */
  const send = (name: string, event: ScenarioEvent) => {
    const actor = running.get(name);
    if (actor) actor.send(event);
    else if (resting.has(name)) step(name, event);
  };

  // The first interrupt's cause, for every scenario it cancels.
  let interrupted = false;
  let interruptCause: string | undefined;
  const dispatch = (commands: SchedulerCommand[]) => {
    for (const c of commands) {
      switch (c.kind) {
        case "queue":
          send(c.name, { type: "DEPENDENCIES_PASSED" });
          break;
        case "start":
          options.onSlot?.(c.name, c.slot);
          start(c.name);
          break;
        case "skip":
          send(c.name, { type: "SKIP", cause: c.cause });
          break;
        case "cancel":
          send(c.name, { type: "CANCEL", ...(interruptCause ? { cause: interruptCause } : {}) });
          break;
        default:
          unreachable(c);
      }
    }
  };

  for (const spec of options.scenarios) {
    const initial = pure.initial(spec.input);
    resting.set(spec.input.name, { value: initial.value, context: initial.context });
    // The initial state is entered too (as XState's inspection reports it for a live actor).
    options.onStep?.(spec.input.name, "xstate.init", initial.value, initial.status);
    step(spec.input.name, { type: "RUN" });
  }
  // Its initial snapshot from an actor that is never started (its initial state has no entry actions).
  run = steppedActors(runMachine, options.inspect).start(
    "run",
    createActor(runMachine, { input: { ready } }).getSnapshot(),
    {
      emitted: (e) => dispatch(e.commands),
      next: (snapshot) => {
        if (snapshot.status !== "done") return;
        if (hookError) rejectFinished(hookError.error);
        else resolveFinished(options.scenarios.map((s) => results.get(s.input.name)!));
      },
      error: (error) => rejectFinished(error),
    },
  );
  run.send({ type: "START" });

  const handle: RunHandle = {
    interrupt: (cause) => {
      if (!interrupted) interruptCause = cause;
      interrupted = true;
      run.send({ type: "INTERRUPT" });
    },
    worktreeReady: (worktree) => run.send({ type: "WORKTREE_READY", worktree }),
    worktreeFailed: (worktree, cause) => run.send({ type: "WORKTREE_FAILED", worktree, cause }),
    finished,
    maxConcurrency: () => ready.maxConcurrency,
    statuses: () =>
      new Map(
        options.scenarios.map(({ input: { name } }) => {
          const snapshot = running.get(name)?.getSnapshot() ?? resting.get(name);
          return [name, snapshot ? statusOf(snapshot.value) : results.get(name)!.status];
        }),
      ),
  };
  return handle;
}

/** The options with each hook wrapped: a throw goes to `failed` instead of to the caller. */
function guardHooks(options: StartRunOptions, failed: (error: unknown) => void): StartRunOptions {
  const guard =
    <A extends unknown[]>(hook: (...args: A) => void) =>
    (...args: A) => {
      try {
        hook(...args);
      } catch (error) {
        failed(error);
      }
    };
  const { onStatus, onSlot, onAttemptFinished, onFinished, inspect, onStep } = options;
  return {
    ...options,
    ...(onStatus ? { onStatus: guard(onStatus) } : {}),
    ...(onSlot ? { onSlot: guard(onSlot) } : {}),
    ...(onAttemptFinished ? { onAttemptFinished: guard(onAttemptFinished) } : {}),
    ...(onFinished ? { onFinished: guard(onFinished) } : {}),
    ...(inspect ? { inspect: guard(inspect) } : {}),
    ...(onStep ? { onStep: guard(onStep) } : {}),
  };
}
