/**
 * The scenario lifecycle as an XState machine compiled from the pipeline: one state per before step,
 * the test, one state per after step (which run whatever happened, like `finally`), and a retry loop
 * with an attempt counter. Deadlines live in context (restored snapshots lose `after` timers).
 *
 * Actors are named by string ("runStep", "runTest") and provided by the executor with
 * `machine.provide`; this file never imports `steps/`. The action "abortAttempt" is provided too: it
 * asks the running command to end (process-group kill) so the after steps still run in order.
 */
import { assign, fromPromise, setup } from "xstate";
import type { RetryableStatus } from "../config/types.js";
import { InternalError } from "../errors.js";
import {
  type AttemptResult,
  type AttemptStatus,
  type CommandResult,
  type Reason,
  type SkipCause,
  timestamp,
} from "../events.js";

/** What a step or test actor is asked to run. */
export interface CommandInput {
  scenario: string;
  phase: "before" | "test" | "after";
  index: number;
  attempt: number;
  /** Epoch milliseconds when the attempt must end. */
  deadline: number;
}

export interface ScenarioMachineInput {
  name: string;
  worktree: string;
  /** Extra attempts after a failure. */
  retries: number;
  /** Milliseconds per attempt. */
  timeoutMs: number;
  retryOn: readonly RetryableStatus[];
}

export interface ScenarioContext extends ScenarioMachineInput {
  attempt: number;
  deadline: number;
  attemptStartedAt: string;
  commands: CommandResult[];
  outcome: { status: AttemptStatus; reason: Reason } | null;
  attempts: AttemptResult[];
  cancelled: boolean;
  /** What cancelled it, as "cancelled by ..." ends (the first CANCEL's cause); null: an interrupt. */
  cancelledBy: string | null;
  skip: SkipCause | null;
}

export type ScenarioEvent =
  | { type: "RUN" }
  | { type: "DEPENDENCIES_PASSED" }
  | { type: "SKIP"; cause: SkipCause }
  | { type: "START" }
  /** `cause` names what stopped the run ("an environment failure (EMFILE)"); unset for Ctrl-C. */
  | { type: "CANCEL"; cause?: string };

/** The shape of the pipeline the machine is compiled from: just the step names. */
export interface ScenarioPipelineShape {
  before: readonly string[];
  after: readonly string[];
}

const notProvided = (name: string) =>
  fromPromise<CommandResult, CommandInput>(async () => {
    throw new InternalError(`actor "${name}" was not provided to the scenario machine`);
  });

const machineSetup = setup({
  types: {
    context: {} as ScenarioContext,
    input: {} as ScenarioMachineInput,
    events: {} as ScenarioEvent,
  },
  actors: { runStep: notProvided("runStep"), runTest: notProvided("runTest") },
  actions: {
    abortAttempt: () => {},
    markCancelled: assign(({ context, event }) => ({
      cancelled: true,
      cancelledBy: context.cancelledBy ?? (event.type === "CANCEL" ? (event.cause ?? null) : null),
    })),
    beginAttempt: assign(({ context }) => ({
      attempt: context.attempt + 1,
      deadline: Date.now() + context.timeoutMs,
      attemptStartedAt: timestamp(),
      commands: [],
      outcome: null,
    })),
    recordAttempt: assign(({ context }) => {
      const endedAt = timestamp();
      const outcome = context.outcome ?? { status: "errored" as const, reason: "internal-error" };
      const test = context.commands.find((c) => c.phase === "test");
      const attempt: AttemptResult = {
        attempt: context.attempt,
        status: context.cancelled ? "cancelled" : outcome.status,
        reason: context.cancelled ? "cancelled" : outcome.reason,
        ...(test ? { test } : {}),
        steps: context.commands.filter((c) => c.phase !== "test"),
        startedAt: context.attemptStartedAt,
        endedAt,
        durationSeconds: (Date.parse(endedAt) - Date.parse(context.attemptStartedAt)) / 1000,
      };
      return { attempts: [...context.attempts, attempt] };
    }),
  },
  guards: {
    cancelled: ({ context }) => context.cancelled,
    attemptPassed: ({ context }) => context.outcome?.status === "passed",
    canRetry: ({ context }) => {
      const status = context.outcome?.status;
      return (
        context.attempt <= context.retries &&
        status !== undefined &&
        status !== "passed" &&
        status !== "cancelled" &&
        context.retryOn.includes(status)
      );
    },
    outcomeIs: ({ context }, params: { status: AttemptStatus }) => context.outcome?.status === params.status,
  },
});

/** A state of the running part, typed by the machine's setup (actors, events, context). */
type StateConfig = Parameters<typeof machineSetup.createStateConfig>[0];

/** A step or test actor threw: an internal error, unless the attempt already had an outcome. */
const actorFailed = (context: ScenarioContext, error: unknown) =>
  context.outcome ?? { status: "errored" as const, reason: `internal-error: ${String(error)}` };

function compileScenarioMachine(shape: ScenarioPipelineShape) {
  const beforeKeys = shape.before.map((_, i) => `before_${i}`);
  const afterKeys = shape.after.map((_, i) => `after_${i}`);
  const firstAfter = afterKeys[0] ?? "settle";
  const firstRun = beforeKeys[0] ?? "test";
  const { createStateConfig } = machineSetup;

  const runningStates: Record<string, StateConfig> = {};
  shape.before.forEach((name, i) => {
    runningStates[beforeKeys[i]!] = createStateConfig({
      description: `before step "${name}"`,
      meta: { phase: "before", step: name },
      on: { CANCEL: { actions: ["markCancelled", "abortAttempt"] } },
      invoke: {
        id: beforeKeys[i],
        src: "runStep",
        input: ({ context }): CommandInput => ({
          scenario: context.name,
          phase: "before",
          index: i,
          attempt: context.attempt,
          deadline: context.deadline,
        }),
        onDone: [
          {
            guard: ({ context, event }) => event.output.status === "passed" && !context.cancelled,
            target: beforeKeys[i + 1] ?? "test",
            actions: assign({ commands: ({ context, event }) => [...context.commands, event.output] }),
          },
          {
            target: firstAfter,
            // One assign per transition: each makes XState build a whole new snapshot.
            actions: assign(({ context, event }) => ({
              commands: [...context.commands, event.output],
              outcome: {
                status: event.output.status === "timed-out" ? ("timed-out" as const) : ("errored" as const),
                reason: "before-step-failed",
              },
            })),
          },
        ],
        onError: {
          target: firstAfter,
          actions: assign({ outcome: ({ context, event }) => actorFailed(context, event.error) }),
        },
      },
    });
  });
  runningStates.test = createStateConfig({
    description: "the test command",
    meta: { phase: "test" },
    on: { CANCEL: { actions: ["markCancelled", "abortAttempt"] } },
    invoke: {
      id: "test",
      src: "runTest",
      input: ({ context }): CommandInput => ({
        scenario: context.name,
        phase: "test",
        index: 0,
        attempt: context.attempt,
        deadline: context.deadline,
      }),
      onDone: {
        target: firstAfter,
        actions: assign(({ context, event }) => ({
          commands: [...context.commands, event.output],
          outcome: { status: event.output.status, reason: event.output.reason },
        })),
      },
      onError: {
        target: firstAfter,
        actions: assign({ outcome: ({ context, event }) => actorFailed(context, event.error) }),
      },
    },
  });
  shape.after.forEach((name, i) => {
    runningStates[afterKeys[i]!] = createStateConfig({
      description: `after step "${name}" (runs whatever happened)`,
      meta: { phase: "after", step: name },
      on: { CANCEL: { actions: "markCancelled" } },
      invoke: {
        id: afterKeys[i],
        src: "runStep",
        input: ({ context }): CommandInput => ({
          scenario: context.name,
          phase: "after",
          index: i,
          attempt: context.attempt,
          deadline: Math.max(context.deadline, Date.now() + 60_000),
        }),
        onDone: {
          target: afterKeys[i + 1] ?? "settle",
          actions: assign(({ context, event }) => ({
            commands: [...context.commands, event.output],
            outcome:
              event.output.status !== "passed" && context.outcome?.status === "passed"
                ? { status: "errored" as const, reason: "after-step-failed" }
                : context.outcome,
          })),
        },
        // A throwing after-step actor is a failed after step: it turns a pass into an error too.
        onError: {
          target: afterKeys[i + 1] ?? "settle",
          actions: assign({
            outcome: ({ context, event }) =>
              context.outcome === null || context.outcome.status === "passed"
                ? { status: "errored" as const, reason: `internal-error: ${String(event.error)}` }
                : context.outcome,
          }),
        },
      },
    });
  });
  runningStates.settle = createStateConfig({
    description: "decide: pass, retry or end",
    entry: "recordAttempt",
    always: [
      { guard: "cancelled", target: "#scenario.cancelled" },
      { guard: "attemptPassed", target: "#scenario.passed" },
      { guard: "canRetry", target: "#scenario.retrying" },
      { guard: { type: "outcomeIs", params: { status: "timed-out" } }, target: "#scenario.timedOut" },
      { guard: { type: "outcomeIs", params: { status: "failed" } }, target: "#scenario.failed" },
      { target: "#scenario.errored" },
    ],
  });

  return machineSetup.createMachine({
    id: "scenario",
    initial: "pending",
    context: ({ input }) => ({
      ...input,
      attempt: 0,
      deadline: 0,
      attemptStartedAt: "",
      commands: [],
      outcome: null,
      attempts: [],
      cancelled: false,
      cancelledBy: null,
      skip: null,
    }),
    states: {
      pending: {
        description: "created; the run has not started",
        on: { RUN: "waiting", CANCEL: { target: "cancelled", actions: "markCancelled" } },
      },
      waiting: {
        description: "for its dependencies to pass",
        on: {
          DEPENDENCIES_PASSED: "queued",
          SKIP: { target: "skipped", actions: assign({ skip: ({ event }) => event.cause }) },
          CANCEL: { target: "cancelled", actions: "markCancelled" },
        },
      },
      queued: {
        description: "for a worker slot and its worktree",
        on: {
          START: "running",
          SKIP: { target: "skipped", actions: assign({ skip: ({ event }) => event.cause }) },
          CANCEL: { target: "cancelled", actions: "markCancelled" },
        },
      },
      running: { entry: "beginAttempt", initial: firstRun, states: runningStates },
      retrying: { description: "another attempt follows", always: "running" },
      passed: { id: "scenario.passed", type: "final" },
      failed: { id: "scenario.failed", type: "final" },
      timedOut: { id: "scenario.timedOut", type: "final" },
      errored: { id: "scenario.errored", type: "final" },
      skipped: { type: "final" },
      cancelled: { id: "scenario.cancelled", type: "final" },
    },
  });
}

export type ScenarioMachine = ReturnType<typeof compileScenarioMachine>;

const compiled = new Map<string, ScenarioMachine>();

/**
 * The scenario machine for a pipeline's shape, compiled once per shape and shared (machines are
 * immutable; `provide` makes a new one): the run and the inspector's description use the same one.
 */
export function createScenarioMachine(shape: ScenarioPipelineShape): ScenarioMachine {
  const key = JSON.stringify([shape.before, shape.after]);
  let machine = compiled.get(key);
  if (!machine) {
    machine = compileScenarioMachine(shape);
    compiled.set(key, machine);
  }
  return machine;
}
