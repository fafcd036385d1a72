/**
 * A stepped scenario (stepped-actors.ts: the machine's transition function, its effects carried out
 * by Grove) against the oracle it replaces: XState's own actor running the same machine with the same
 * scripted commands. For random pipeline shapes, retry policies, command outcomes (pass, fail, time
 * out, error, an actor that throws) and a CANCEL at a random point, both must ask for the same
 * commands in the same order, abort the same ones, report the same inspection events (creation, events,
 * microsteps with their state values and transitions, snapshots) to the inspector, and end in the same state with the same context.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { type AnyActorRef, createActor, fromPromise, type InspectionEvent } from "xstate";
import type { AttemptStatus, CommandResult } from "../../src/events.js";
import {
  type CommandInput,
  createScenarioMachine,
  type ScenarioEvent,
  type ScenarioMachine,
  type ScenarioMachineInput,
} from "../../src/machines/scenario-machine.js";
import { pureSteps } from "../../src/scheduler/pure-steps.js";
import { steppedActors } from "../../src/scheduler/stepped-actors.js";
import { commandResult } from "../helpers/command-result.js";
import { propertyRuns } from "../helpers/property-runs.js";

type Outcome = AttemptStatus | "throw";

interface Case {
  before: string[];
  after: string[];
  input: ScenarioMachineInput;
  /** The outcome of the n-th command started (cycled). */
  outcomes: Outcome[];
  /** CANCEL is sent as the n-th command is about to end (never when beyond the commands run). */
  cancelAt: number;
}

const cases: fc.Arbitrary<Case> = fc.record({
  before: fc.array(fc.constantFrom("install", "seed"), { maxLength: 2 }),
  after: fc.array(fc.constantFrom("logs", "stop"), { maxLength: 2 }),
  input: fc.record({
    name: fc.constant("s"),
    worktree: fc.constant("w"),
    retries: fc.nat(2),
    timeoutMs: fc.constant(60_000),
    retryOn: fc.subarray(["failed", "timed-out", "errored"] as const),
  }) as fc.Arbitrary<ScenarioMachineInput>,
  outcomes: fc.array(fc.constantFrom<Outcome>("passed", "failed", "timed-out", "errored", "throw"), {
    minLength: 1,
    maxLength: 12,
  }),
  cancelAt: fc.nat(14),
});

/** What one run did: commands asked for, aborts, what the inspector heard of the machine, the final state. */
interface Trace {
  commands: string[];
  aborts: number;
  inspection: string[];
  value: unknown;
  status: string;
  context: unknown;
}

/** Times and deadlines differ between two runs; everything else must not. */
function timeless(value: unknown): unknown {
  return JSON.parse(JSON.stringify(value), (key, v) =>
    ["deadline", "attemptStartedAt", "startedAt", "endedAt", "durationSeconds"].includes(key) ? 0 : v,
  );
}

/**
 * What the inspector hears of the machine itself, as the recorder reads it: the actor's creation, each
 * event it receives, each microstep (state value and transitions taken) and each snapshot it settles in.
 */
function inspected(event: InspectionEvent): string {
  const value = (e: { snapshot?: unknown }) =>
    JSON.stringify((e.snapshot as { value?: unknown } | undefined)?.value ?? null);
  switch (event.type) {
    case "@xstate.actor":
      return "actor";
    case "@xstate.event":
      return `event ${event.event.type}`;
    case "@xstate.snapshot":
      return `snapshot ${event.event.type} ${value(event)} ${(event.snapshot as { status?: string }).status}`;
    case "@xstate.microstep": {
      const taken = (event as { _transitions?: { source: { id: string }; target?: { id: string }[] }[] })
        ._transitions;
      const edges = (taken ?? []).map((t) => `${t.source.id}>${(t.target ?? []).map((n) => n.id).join(",")}`);
      return `microstep ${event.event.type} ${value(event)} ${edges.join(" ")}`;
    }
    default:
      return event.type;
  }
}

/**
 * A machine whose commands follow the case's script: each ends on the next macrotask (so other events
 * can come between), and CANCEL reaches the scenario just before the `cancelAt`-th one ends.
 */
function scripted(c: Case, trace: Trace, cancel: () => void): ScenarioMachine {
  let n = 0;
  const command = fromPromise<CommandResult, CommandInput>(({ input }) => {
    const index = n++;
    trace.commands.push(`${input.phase}${input.index}#${input.attempt}`);
    const outcome = c.outcomes[index % c.outcomes.length]!;
    return new Promise((resolve, reject) =>
      setImmediate(() => {
        if (index === c.cancelAt) cancel();
        if (outcome === "throw") reject(new Error(`command ${index} threw`));
        else resolve(commandResult(input.phase, outcome));
      }),
    );
  });
  return createScenarioMachine({ before: c.before, after: c.after }).provide({
    actors: { runStep: command, runTest: command },
    actions: { abortAttempt: () => void trace.aborts++ },
  });
}

const emptyTrace = (): Trace => ({
  commands: [],
  aborts: 0,
  inspection: [],
  value: null,
  status: "",
  context: null,
});

/** The scenario queued (as the scheduler leaves it), then started: with XState's actor. */
async function withXStateActor(c: Case): Promise<Trace> {
  const trace = emptyTrace();
  let actor: AnyActorRef | undefined;
  const machine = scripted(c, trace, () => actor!.send({ type: "CANCEL", cause: "a test" }));
  const pure = pureSteps(machine);
  const queued = pure.next(pure.next(machine.resolveState(pure.initial(c.input)), { type: "RUN" }), {
    type: "DEPENDENCIES_PASSED",
  });
  actor = createActor(machine, {
    input: c.input,
    snapshot: machine.resolveState({ value: queued.value, context: queued.context }),
    inspect: (event) => {
      // The machine itself (its actor is the system's root), not its invoked promise actors; and not
      // the actions it executes, which the recorder does not read and stepped machines do not report.
      if ((event.actorRef as { sessionId?: string }).sessionId !== event.rootId) return;
      if (event.type !== "@xstate.action") trace.inspection.push(inspected(event));
    },
  });
  const done = new Promise<void>((resolve, reject) =>
    actor!.subscribe({ complete: resolve, error: reject, next: (s) => s.status === "done" && resolve() }),
  );
  actor.start();
  actor.send({ type: "START" });
  await done;
  const end = actor.getSnapshot();
  return { ...trace, value: end.value, status: end.status, context: timeless(end.context) };
}

/** The same with a stepped scenario. */
async function stepped(c: Case): Promise<Trace> {
  const trace = emptyTrace();
  let send: ((e: ScenarioEvent) => void) | undefined;
  const machine = scripted(c, trace, () => send!({ type: "CANCEL", cause: "a test" }));
  const pure = pureSteps(machine);
  const queued = pure.next(pure.next(machine.resolveState(pure.initial(c.input)), { type: "RUN" }), {
    type: "DEPENDENCIES_PASSED",
  });
  const actors = steppedActors(machine, (event, name) => {
    expect(name).toBe("s");
    // The recorder keeps only the events of a root actor: those whose actor is the system's root.
    expect((event.actorRef as { sessionId?: string }).sessionId).toBe(event.rootId);
    trace.inspection.push(inspected(event));
  });
  let end: { value: unknown; status: string; context: unknown } | undefined;
  await new Promise<void>((resolve, reject) => {
    const actor = actors.start("s", machine.resolveState({ value: queued.value, context: queued.context }), {
      next: (s) => {
        if (s.status !== "done") return;
        end = s;
        resolve();
      },
      error: reject,
    });
    send = actor.send;
    actor.send({ type: "START" });
  });
  return { ...trace, value: end!.value, status: end!.status, context: timeless(end!.context) };
}

describe("stepped scenarios against XState's own actor (the oracle)", () => {
  /** One scenario without before/after steps whose single attempt passes, never cancelled by the script. */
  const onePassingScenario = (): Case => ({
    before: [],
    after: [],
    input: { name: "s", worktree: "w", retries: 0, timeoutMs: 60_000, retryOn: [] },
    outcomes: ["passed"],
    cancelAt: 99,
  });

  it("the same commands, aborts, inspection events and final state for any script", async () => {
    await fc.assert(
      fc.asyncProperty(cases, async (c) => {
        const expected = await withXStateActor(c);
        const actual = await stepped(c);
        expect(actual).toEqual(expected);
        // Not vacuous: a scenario always runs at least its first command and reaches a final state.
        expect(actual.commands.length).toBeGreaterThan(0);
        expect(actual.status).toBe("done");
      }),
      { numRuns: propertyRuns(300) },
    );
  });

  it("an event sent while one is processed waits for it, as in an actor's mailbox", async () => {
    const trace = emptyTrace();
    const c = onePassingScenario();
    let send!: (e: ScenarioEvent) => void;
    const base = scripted(c, trace, () => {});
    // abortAttempt sends a second CANCEL from inside the first one's processing.
    const machine = base.provide({
      actions: {
        abortAttempt: () => {
          trace.aborts++;
          if (trace.aborts === 1) send({ type: "CANCEL", cause: "again" });
        },
      },
    });
    const pure = pureSteps(machine);
    const queued = pure.next(pure.next(machine.resolveState(pure.initial(c.input)), { type: "RUN" }), {
      type: "DEPENDENCIES_PASSED",
    });
    const seen: string[] = [];
    const finished = new Promise<{ cancelledBy: string | null; status: string }>((resolve, reject) => {
      const actor = steppedActors(machine).start(
        "s",
        machine.resolveState({ value: queued.value, context: queued.context }),
        {
          next: (s) => {
            seen.push(`${JSON.stringify(s.value)} aborts=${trace.aborts}`);
            if (s.status === "done") resolve({ cancelledBy: s.context.cancelledBy, status: String(s.value) });
          },
          error: reject,
        },
      );
      send = actor.send;
      actor.send({ type: "START" });
      actor.send({ type: "CANCEL", cause: "first" });
    });
    const end = await finished;
    // The first CANCEL's snapshot is observed before the second is processed; the first cause stays.
    expect(seen.slice(0, 3)).toEqual([
      '{"running":"test"} aborts=0',
      '{"running":"test"} aborts=1',
      '{"running":"test"} aborts=2',
    ]);
    expect(end).toEqual({ cancelledBy: "first", status: "cancelled" });
  });

  it("a machine whose logic throws is the observer's error, and nothing more is processed", async () => {
    const trace = emptyTrace();
    const c = onePassingScenario();
    const machine = scripted(c, trace, () => {}).provide({
      actions: {
        abortAttempt: () => {
          throw new Error("abort broke");
        },
      },
    });
    const pure = pureSteps(machine);
    const queued = pure.next(pure.next(machine.resolveState(pure.initial(c.input)), { type: "RUN" }), {
      type: "DEPENDENCIES_PASSED",
    });
    const errors: unknown[] = [];
    const nexts: unknown[] = [];
    const actor = steppedActors(machine).start(
      "s",
      machine.resolveState({ value: queued.value, context: queued.context }),
      { next: (s) => nexts.push(s.value), error: (e) => errors.push(e) },
    );
    actor.send({ type: "START" });
    actor.send({ type: "CANCEL" });
    actor.send({ type: "CANCEL" });
    await new Promise((r) => setImmediate(r));
    await new Promise((r) => setImmediate(r));
    expect(errors).toHaveLength(1);
    expect(String(errors[0])).toContain("abort broke");
    // START was observed; the throwing CANCEL and everything after were not.
    expect(nexts).toEqual([{ running: "test" }]);
  });
});
