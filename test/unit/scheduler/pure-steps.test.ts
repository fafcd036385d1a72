import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { assign, createActor, fromPromise, setup } from "xstate";
import type { CommandResult } from "../../../src/events.js";
import {
  type CommandInput,
  createScenarioMachine,
  type ScenarioMachine,
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

/** Each input's pure initial state against the oracle: a live actor's initial snapshot (not started, so nothing runs). */
function startsLikeXState(machine: Parameters<typeof pureSteps>[0], numRuns: number): void {
  const pure = pureSteps(machine);
  fc.assert(
    fc.property(inputs, (input) => {
      const expected = createActor(machine, { input }).getSnapshot();
      const initial = pure.initial(input);
      expect(initial.value).toEqual(expected.value);
      expect(initial.context).toEqual(expected.context);
      expect(initial.status).toBe(expected.status);
    }),
    { numRuns },
  );
}

describe("pure steps of the scenario machine", () => {
  it("start each scenario where XState's own initial snapshot does: same value, context and status", () => {
    startsLikeXState(provided(["install"], ["teardown"]), 200);
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

  it("tell an input-dependent initial state by its value, its context or its status alone", () => {
    // Each machine depends on its input in one way only, so each of the three checks must catch it.
    const factory = ({ input }: { input: ScenarioMachineInput }) => ({ ...input, x: 0 });
    const byValue = setup({ types: { input: {} as ScenarioMachineInput } }).createMachine({
      context: factory,
      initial: "pending",
      states: {
        pending: { always: { guard: ({ context }) => context.retryOn.length > 0, target: "waiting" } },
        waiting: {},
      },
    });
    const byContext = setup({ types: { input: {} as ScenarioMachineInput } }).createMachine({
      context: factory,
      initial: "pending",
      states: { pending: { entry: assign({ x: ({ context }) => context.timeoutMs * 2 }) } },
    });
    // An assign that throws leaves the snapshot in status "error", with value and context as made.
    const byStatus = setup({ types: { input: {} as ScenarioMachineInput } }).createMachine({
      context: factory,
      initial: "pending",
      states: {
        pending: {
          entry: assign({
            x: ({ context }) => {
              if (context.retries > 1) throw new Error("too many retries");
              return 0;
            },
          }),
        },
      },
    });
    for (const machine of [byValue, byContext, byStatus]) startsLikeXState(machine as never, 100);
  });

  it("step like a live actor, on the fast path, on the fallback and for a machine whose context is an object", () => {
    const counter = <C extends object>(context: C | ((a: { input: ScenarioMachineInput }) => C)) =>
      setup({ types: { input: {} as ScenarioMachineInput } }).createMachine({
        context: context as never,
        initial: "pending",
        states: {
          pending: {
            on: {
              RUN: {
                target: "waiting",
                actions: assign({ runs: ({ context }) => (context as { runs: number }).runs + 1 }),
              },
            },
          },
          waiting: { on: { RUN: { target: "pending" } } },
        },
      });
    const machines = [
      counter({ runs: 0 }),
      counter(({ input }) => ({ runs: input.retries })),
      // Input-dependent (an entry assign): the fallback's steps.
      setup({ types: { input: {} as ScenarioMachineInput } }).createMachine({
        context: ({ input }) => ({ runs: input.retries }),
        initial: "pending",
        states: {
          pending: {
            entry: assign({ runs: ({ context }) => context.runs * 10 }),
            on: { RUN: { target: "waiting", actions: assign({ runs: ({ context }) => context.runs + 1 }) } },
          },
          waiting: {},
        },
      }),
    ];
    for (const machine of machines) {
      const pure = pureSteps(machine as never);
      fc.assert(
        fc.property(inputs, fc.integer({ min: 1, max: 3 }), (input, steps) => {
          const actor = createActor(machine, { input }).start();
          const initial = pure.initial(input);
          expect(initial.context).toEqual(actor.getSnapshot().context);
          let snapshot: { value: unknown; context: unknown } = machine.resolveState({
            value: initial.value,
            context: initial.context,
          } as never);
          for (let k = 0; k < steps; k++) {
            actor.send({ type: "RUN" });
            snapshot = pure.next(snapshot as never, { type: "RUN" } as never) as never;
            expect(snapshot.value).toEqual(actor.getSnapshot().value);
            expect(snapshot.context).toEqual(actor.getSnapshot().context);
          }
          actor.stop();
        }),
        { numRuns: 50 },
      );
    }
  });

  it("rest: any sequence of resting events lands where XState's step does, reused moves included", () => {
    const machine = provided(["install"], []);
    const pure = pureSteps(machine);
    const restingEvent = fc.oneof(
      fc.constant({ type: "RUN" as const }),
      fc.constant({ type: "DEPENDENCIES_PASSED" as const }),
      fc.constant({ type: "START" as const }),
      fc.record({ type: fc.constant("CANCEL" as const), cause: fc.option(fc.string(), { nil: undefined }) }),
      fc.record({
        type: fc.constant("SKIP" as const),
        cause: fc.record({
          reason: fc.constant("dependency-failed"),
          detail: fc.string(),
          dependency: fc.string(),
        }),
      }),
    );
    fc.assert(
      fc.property(inputs, fc.array(restingEvent, { maxLength: 6 }), (input, events) => {
        const init = pure.initial(input);
        let expected = machine.resolveState(init);
        let actual: { value: unknown; context: unknown; status: string } = init;
        for (const event of events) {
          if (expected.status !== "active" || typeof expected.value !== "string" || event.type === "START")
            break;
          const clean = JSON.parse(JSON.stringify(event));
          expected = pure.next(expected, clean);
          actual = pure.rest(actual as never, clean);
          expect(actual).toEqual({
            value: expected.value,
            context: expected.context,
            status: expected.status,
          });
        }
      }),
      { numRuns: 300 },
    );
  });

  it("rest: a move whose guard reads the context is computed each time, never reused", () => {
    const guarded = setup({
      types: { context: {} as { go: boolean }, input: {} as { go: boolean }, events: {} as { type: "TRY" } },
    }).createMachine({
      context: ({ input }) => ({ go: input.go }),
      initial: "idle",
      states: { idle: { on: { TRY: { guard: ({ context }) => context.go, target: "went" } } }, went: {} },
    }) as unknown as ScenarioMachine;
    const pure = pureSteps(guarded);
    const at = (go: boolean) => ({ value: "idle", context: { go } }) as never;
    expect(pure.rest(at(true), { type: "TRY" } as never).value).toBe("went");
    expect(pure.rest(at(false), { type: "TRY" } as never).value).toBe("idle");
    expect(pure.rest(at(true), { type: "TRY" } as never).value).toBe("went");
  });
});
