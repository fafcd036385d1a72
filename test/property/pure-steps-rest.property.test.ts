/**
 * `PureSteps.rest` reuses a move it judged independent of the context (pure-steps.ts). Whatever the
 * machine, that judgement must never be wrong: for random machines (plain moves, then one or two of a
 * guard on the context, an entry, exit or transition action that raises or assigns, an eventless move
 * on a state, on a compound state's child or on the root; targetless and final moves, payloads), every
 * move from every resting state, asked with every context in a random order (the first one asked
 * fills the cache), is answered as XState's own `transition` of the same snapshot: same value, context
 * and status. Hand mutations of each condition of the judgement fail it, but two that are implied by
 * others: "the target is atomic" (a top-level compound state's value is never a string) and "the
 * context is unchanged" (only an action changes it, and actions are checked).
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { type AnyMachineSnapshot, assign, createMachine, raise, transition } from "xstate";
import type { ScenarioMachine } from "../../src/machines/scenario-machine.js";
import { pureSteps } from "../../src/scheduler/pure-steps.js";
import { propertyRuns } from "../helpers/property-runs.js";

/** Top-level atomic states S0..S3, a compound S4 (children c0, c1) and a final F, in that order. */
const ATOMIC = ["S0", "S1", "S2", "S3"] as const;
const ORDER = [...ATOMIC, "S4", "F"] as const;
type StateName = (typeof ORDER)[number];

/** What an entry, exit or transition does: nothing, raise R (handled by the state moved to), or count up. */
type Effect = "none" | "raise" | "count";

interface TransitionSpec {
  /** Undefined: a targetless transition. */
  target?: StateName;
  /** n > k on the context, or x > k on the event's payload. */
  guard?: { on: "context" | "event"; k: number };
  action: Effect;
}

interface StateSpec {
  entry: Effect;
  exit: Effect;
  on: Partial<Record<"A" | "B" | "P", TransitionSpec | undefined>>;
  /** Handles the raised R; to a later state only, so raises cannot loop. */
  onR?: { target?: StateName; k: number };
  /** An eventless move guarded on the context, to a later state only. */
  always?: { target: StateName; k: number };
}

interface MachineSpec {
  states: Record<(typeof ATOMIC)[number], StateSpec>;
  /** S4's first child moves to its second, guarded on the context. */
  childAlways?: number;
  /** The root's eventless move, to F, guarded on the context (n > k). */
  rootAlways?: number;
}

const k = fc.nat(4);
const effect = fc.constantFrom<Effect>("raise", "count");
const stateIndex = fc.nat(ATOMIC.length - 1);
/** A later state than `i`'s, picked by `pick`. */
const later = (i: number, pick: number) => ORDER[i + 1 + (pick % (ORDER.length - i - 1))]!;

/**
 * A machine in which every move from a top-level state on A or B is the same for every context (no
 * guard, no action, nothing on entry or exit), and R, when raised, is handled under a guard on the
 * context: one or two "spoilers" then make some moves depend on the context, each alone or together,
 * so that each condition of the judgement is the only one that tells.
 */
const plainState = (i: number): fc.Arbitrary<StateSpec> =>
  fc.record({
    entry: fc.constant<Effect>("none"),
    exit: fc.constant<Effect>("none"),
    on: fc.record({
      A: fc.record({ target: fc.constantFrom(...ORDER), action: fc.constant<Effect>("none") }),
      B: fc.record({
        target: fc.option(fc.constantFrom(...ORDER), { nil: undefined }),
        action: fc.constant<Effect>("none"),
      }),
      P: fc.record({
        target: fc.constantFrom(...ORDER),
        guard: fc.record({ on: fc.constant<"event">("event"), k }),
        action: fc.constant<Effect>("none"),
      }),
    }),
    onR: fc.record({ target: fc.option(fc.nat(), { nil: undefined }), k }).map((r) => ({
      k: r.k,
      ...(r.target === undefined ? {} : { target: later(i, r.target) }),
    })),
  });

type Spoiler =
  | { kind: "entry" | "exit"; state: number; effect: Effect }
  | { kind: "action"; state: number; event: "A" | "B"; effect: Effect }
  | { kind: "guard"; state: number; event: "A" | "B"; k: number }
  | { kind: "always"; state: number; target: number; k: number }
  | { kind: "child" | "root"; k: number };
const spoiler: fc.Arbitrary<Spoiler> = fc.oneof(
  fc.record({ kind: fc.constantFrom<"entry" | "exit">("entry", "exit"), state: stateIndex, effect }),
  fc.record({
    kind: fc.constant<"action">("action"),
    state: stateIndex,
    event: fc.constantFrom<"A" | "B">("A", "B"),
    effect,
  }),
  fc.record({
    kind: fc.constant<"guard">("guard"),
    state: stateIndex,
    event: fc.constantFrom<"A" | "B">("A", "B"),
    k,
  }),
  fc.record({ kind: fc.constant<"always">("always"), state: stateIndex, target: fc.nat(), k }),
  fc.record({ kind: fc.constantFrom<"child" | "root">("child", "root"), k }),
);

function spoil(spec: MachineSpec, spoilers: readonly Spoiler[]): MachineSpec {
  const out = structuredClone(spec);
  for (const x of spoilers) {
    const state = "state" in x ? out.states[ATOMIC[x.state]!] : undefined;
    if (x.kind === "entry" || x.kind === "exit") state![x.kind] = x.effect;
    else if (x.kind === "action") state!.on[x.event]!.action = x.effect;
    else if (x.kind === "guard") state!.on[x.event]!.guard = { on: "context", k: x.k };
    else if (x.kind === "always") state!.always = { target: later(x.state, x.target), k: x.k };
    else if (x.kind === "child") out.childAlways = x.k;
    else if (x.kind === "root") out.rootAlways = x.k;
  }
  return out;
}

const machineSpecs: fc.Arbitrary<MachineSpec> = fc
  .tuple(
    fc.record({ S0: plainState(0), S1: plainState(1), S2: plainState(2), S3: plainState(3) }),
    fc.array(spoiler, { maxLength: 2 }),
  )
  .map(([states, spoilers]) => spoil({ states }, spoilers));

type Ctx = { n: number };
type Ev = { type: "A" } | { type: "B" } | { type: "R" } | { type: "P"; x: number };

const count = assign({ n: ({ context }: { context: Ctx }) => context.n + 1 });
const actionsOf = (effect: Effect) =>
  effect === "raise" ? [raise({ type: "R" } as Ev)] : effect === "count" ? [count] : [];
const contextAbove =
  (limit: number) =>
  ({ context }: { context: Ctx }) =>
    context.n > limit;

function buildMachine(spec: MachineSpec) {
  const states: Record<string, object> = {};
  for (const name of ATOMIC) {
    const s = spec.states[name];
    const on: Record<string, object> = {};
    for (const [type, t] of Object.entries(s.on)) {
      if (!t) continue;
      const guard = t.guard
        ? t.guard.on === "context"
          ? contextAbove(t.guard.k)
          : ({ event }: { event: Ev }) => event.type === "P" && event.x > t.guard!.k
        : undefined;
      on[type] = {
        ...(t.target ? { target: `#m.${t.target}` } : {}),
        ...(guard ? { guard } : {}),
        actions: actionsOf(t.action),
      };
    }
    if (s.onR)
      on.R = { ...(s.onR.target ? { target: `#m.${s.onR.target}` } : {}), guard: contextAbove(s.onR.k) };
    states[name] = {
      entry: actionsOf(s.entry),
      exit: actionsOf(s.exit),
      on,
      ...(s.always ? { always: { target: `#m.${s.always.target}`, guard: contextAbove(s.always.k) } } : {}),
    };
  }
  states.S4 = {
    initial: "c0",
    states: {
      c0:
        spec.childAlways === undefined
          ? {}
          : { always: { target: "c1", guard: contextAbove(spec.childAlways) } },
      c1: {},
    },
    on: { A: { target: "#m.S0" } },
  };
  states.F = { type: "final" };
  return createMachine({
    id: "m",
    types: {} as { context: Ctx; events: Ev },
    context: { n: 0 },
    initial: "S0",
    states,
    ...(spec.rootAlways === undefined
      ? {}
      : { always: { target: ".F", guard: contextAbove(spec.rootAlways) } }),
  } as never);
}

/** A resting state a query starts from: any state but the final one, S4 in either child. */
const VALUES: readonly (string | Record<string, string>)[] = [...ATOMIC, { S4: "c0" }, { S4: "c1" }];
const EVENTS: readonly Ev[] = [
  { type: "A" },
  { type: "B" },
  { type: "R" },
  { type: "P", x: 1 },
  { type: "P", x: 4 },
];
/** The contexts each move is asked about, in the order given (the first one asked decides the cache). */
const contextOrders = fc
  .array(fc.nat(6), { minLength: 7, maxLength: 7 })
  .map((first) => [...new Set([...first, 0, 1, 2, 3, 4, 5, 6])]);

describe("PureSteps.rest against XState's transition, for any machine", () => {
  it("answers every move from every resting state, for every context, as XState does", () => {
    let asked = 0;
    let stepped = 0;
    let inRest = false;
    fc.assert(
      fc.property(machineSpecs, contextOrders, fc.nat(), (spec, ns, rotate) => {
        const machine = buildMachine(spec);
        // Counts the steps `rest` has XState compute; the oracle's `transition` is XState's own.
        const step = machine.transition.bind(machine);
        machine.transition = (...args: Parameters<typeof step>) => {
          if (inRest) stepped++;
          return step(...args);
        };
        const rest = pureSteps(machine as unknown as ScenarioMachine).rest;
        let moves = 0;
        // Every move of the machine, one after another, each with every context; the order of the
        // contexts turns with the move, so that each is sometimes the first.
        for (const value of VALUES)
          for (const event of EVENTS) {
            const shift = (rotate + moves++) % ns.length;
            for (const n of [...ns.slice(shift), ...ns.slice(0, shift)]) {
              const state = { value, context: { n } };
              const [expected] = transition(machine, machine.resolveState(state as never), event as never);
              inRest = true;
              const actual = rest(state as never, event as never);
              inRest = false;
              const e = expected as AnyMachineSnapshot;
              expect({ value: actual.value, context: actual.context, status: actual.status }).toEqual({
                value: e.value,
                context: e.context,
                status: e.status,
              });
              asked++;
            }
          }
      }),
      { numRuns: propertyRuns(300) },
    );
    // Not vacuous: many answers were reused moves, not XState's step of that query.
    expect(stepped).toBeLessThan(asked);
  });
});
