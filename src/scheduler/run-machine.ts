/**
 * The run as an XState machine: hands out worker slots, respects the per-worktree limit, starts ready
 * scenarios critical path first (through `ReadySet`), and drains on interrupt. Scenario actors are
 * independent actors owned by the executor (thousands of children under one parent are quadratic in
 * XState); this machine talks to them only through the `dispatch` events it emits.
 */
import { emit, setup } from "xstate";
import { unreachable } from "../errors.js";
import type { FinalStatus, WorktreeSkipCause } from "../events.js";
import type { ReadySet, SchedulerCommand } from "./ready-set.js";

export type RunEvent =
  | { type: "START" }
  | { type: "SCENARIO_SETTLED"; name: string; status: FinalStatus }
  | { type: "WORKTREE_READY"; worktree: string }
  | { type: "WORKTREE_FAILED"; worktree: string; cause: WorktreeSkipCause }
  | { type: "INTERRUPT" };

export type RunEmitted = { type: "dispatch"; commands: SchedulerCommand[] };

/**
 * The ReadySet is mutated in place by the actions below: copying a map of every scenario on each event
 * would make a run quadratic. It is the only state those actions touch, and each runs once per event.
 */
/** What the ready set says to do about one event. */
function commandsFor(ready: ReadySet, event: RunEvent): SchedulerCommand[] {
  switch (event.type) {
    case "START":
      return ready.begin();
    case "SCENARIO_SETTLED":
      return ready.settle(event.name, event.status);
    case "WORKTREE_READY":
      return ready.worktreeReady(event.worktree);
    case "WORKTREE_FAILED":
      return ready.worktreeFailed(event.worktree, event.cause);
    case "INTERRUPT":
      return ready.interrupt();
    default:
      return unreachable(event);
  }
}

export const runMachine = setup({
  types: {
    context: {} as { ready: ReadySet },
    input: {} as { ready: ReadySet },
    events: {} as RunEvent,
    emitted: {} as RunEmitted,
  },
  actions: {
    dispatch: emit(({ context, event }) => ({
      type: "dispatch" as const,
      commands: commandsFor(context.ready, event),
    })),
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
        START: { target: "running", actions: "dispatch" },
        INTERRUPT: { target: "draining", actions: "dispatch" },
      },
    },
    running: {
      description: "scenarios start as slots and worktrees free up",
      always: { guard: "allSettled", target: "done" },
      on: {
        SCENARIO_SETTLED: { actions: "dispatch" },
        WORKTREE_READY: { actions: "dispatch" },
        WORKTREE_FAILED: { actions: "dispatch" },
        INTERRUPT: { target: "draining", actions: "dispatch" },
      },
    },
    draining: {
      description: "interrupted: nothing new starts; running scenarios end and run their after steps",
      always: { guard: "allSettled", target: "done" },
      on: { SCENARIO_SETTLED: { actions: "dispatch" } },
    },
    done: { type: "final" },
  },
});
