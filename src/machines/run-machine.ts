/**
 * The run as an XState machine: hands out worker slots, respects the per-worktree limit, starts ready
 * scenarios critical path first (through `ReadySet`), and drains on interrupt. Scenario actors are
 * independent actors owned by the executor (thousands of children under one parent are quadratic in
 * XState); this machine talks to them only through the `dispatch` events it emits.
 */
import { emit, setup } from "xstate";
import type { FinalStatus, SkipCause } from "../events.js";
import type { ReadySet, SchedulerCommand } from "./ready-set.js";

export type RunEvent =
  | { type: "START" }
  | { type: "SCENARIO_SETTLED"; name: string; status: FinalStatus }
  | { type: "WORKTREE_READY"; worktree: string }
  | { type: "WORKTREE_FAILED"; worktree: string; cause: SkipCause }
  | { type: "INTERRUPT" };

export type RunEmitted = { type: "dispatch"; commands: SchedulerCommand[] };

/**
 * The ReadySet is mutated in place by the actions below: copying a map of every scenario on each event
 * would make a run quadratic. It is the only state those actions touch, and each runs once per event.
 */
export const runMachine = setup({
  types: {
    context: {} as { ready: ReadySet },
    input: {} as { ready: ReadySet },
    events: {} as RunEvent,
    emitted: {} as RunEmitted,
  },
  guards: { allSettled: ({ context }) => context.ready.done },
}).createMachine({
  id: "run",
  initial: "idle",
  context: ({ input }) => ({ ready: input.ready }),
  states: {
    idle: {
      description: "planned; nothing started",
      on: {
        START: {
          target: "running",
          actions: emit(({ context }) => ({ type: "dispatch" as const, commands: context.ready.begin() })),
        },
        INTERRUPT: {
          target: "draining",
          actions: emit(({ context }) => ({
            type: "dispatch" as const,
            commands: context.ready.interrupt(),
          })),
        },
      },
    },
    running: {
      description: "scenarios start as slots and worktrees free up",
      always: { guard: "allSettled", target: "done" },
      on: {
        SCENARIO_SETTLED: {
          actions: emit(({ context, event }) => ({
            type: "dispatch" as const,
            commands: context.ready.settle(event.name, event.status),
          })),
        },
        WORKTREE_READY: {
          actions: emit(({ context, event }) => ({
            type: "dispatch" as const,
            commands: context.ready.worktreeReady(event.worktree),
          })),
        },
        WORKTREE_FAILED: {
          actions: emit(({ context, event }) => ({
            type: "dispatch" as const,
            commands: context.ready.worktreeFailed(event.worktree, event.cause),
          })),
        },
        INTERRUPT: {
          target: "draining",
          actions: emit(({ context }) => ({
            type: "dispatch" as const,
            commands: context.ready.interrupt(),
          })),
        },
      },
    },
    draining: {
      description: "interrupted: nothing new starts; running scenarios end and run their after steps",
      always: { guard: "allSettled", target: "done" },
      on: {
        SCENARIO_SETTLED: {
          actions: emit(({ context, event }) => ({
            type: "dispatch" as const,
            commands: context.ready.settle(event.name, event.status),
          })),
        },
      },
    },
    done: { type: "final" },
  },
});
