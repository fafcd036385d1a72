import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { assign, createActor, fromPromise, setup } from "xstate";
import type { CommandResult } from "../../../src/events.js";
import {
  type CommandInput,
  createScenarioMachine,
  type ScenarioMachineInput,
} from "../../../src/machines/scenario-machine.js";
import { pureSteps } from "../../../src/scheduler/pure-steps.js";

const never = fromPromise<CommandResult, CommandInput>(() => new Promise(() => {}));
const provided = (before: string[], after: string[]) =>
  createScenarioMachine({ before, after }).provide({
    actors: { runStep: never, runTest: never },
    actions: { abortAttempt: () => {} },
  });

const inputs = fc.record({
  name: fc.string({ minLength: 1 }),
  worktree: fc.string({ minLength: 1 }),
  retries: fc.nat(5),
  timeoutMs: fc.nat(1_000_000),
  retryOn: fc.subarray(["failed", "timed-out", "errored"] as const),
}) as fc.Arbitrary<ScenarioMachineInput>;

describe("pure steps of the scenario machine", () => {
  it("start each scenario where XState's own initial snapshot does: same value, context and status", () => {
    const machine = provided(["install"], ["teardown"]);
    const pure = pureSteps(machine);
    fc.assert(
      fc.property(inputs, (input) => {
        // The oracle: a live actor's initial snapshot (not started, so nothing runs).
        const expected = createActor(machine, { input }).getSnapshot();
        const initial = pure.initial(input);
        expect(initial.value).toEqual(expected.value);
        expect(initial.context).toEqual(expected.context);
        expect(initial.status).toBe(expected.status);
      }),
      { numRuns: 200 },
    );
  });

  it("give every scenario its own context (a step of one never shows in another)", () => {
    const pure = pureSteps(provided([], []));
    const a = pure.initial({ name: "a", worktree: "w", retries: 0, timeoutMs: 1, retryOn: [] });
    const b = pure.initial({ name: "b", worktree: "w", retries: 0, timeoutMs: 1, retryOn: [] });
    expect(a.context).not.toBe(b.context);
    expect(a.context.attempts).not.toBe(b.context.attempts);
    expect([a.context.name, b.context.name]).toEqual(["a", "b"]);
  });

  it("fall back to XState's initial snapshot for a machine whose initial state depends on its input", () => {
    // An entry action that assigns from the input, and an eventless move on it: a context factory
    // alone would miss both.
    const odd = setup({ types: { input: {} as ScenarioMachineInput } }).createMachine({
      context: ({ input }) => ({ ...input, attempt: 0 }),
      initial: "pending",
      states: {
        pending: {
          entry: assign({ attempt: ({ context }) => context.retries + 7 }),
          always: { guard: ({ context }) => context.retries > 1, target: "waiting" },
        },
        waiting: {},
      },
    });
    const pure = pureSteps(odd as never);
    for (const retries of [0, 3]) {
      const input = { name: "s", worktree: "w", retries, timeoutMs: 1, retryOn: [] };
      const expected = createActor(odd, { input }).getSnapshot();
      const initial = pure.initial(input);
      expect(initial.value).toBe(retries > 1 ? "waiting" : "pending");
      expect(initial.value).toEqual(expected.value);
      expect(initial.context).toEqual(expected.context);
      expect(initial.context).toMatchObject({ attempt: retries + 7 });
    }
  });
});
