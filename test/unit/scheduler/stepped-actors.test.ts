/**
 * The parts of stepped actors the scenario machine does not reach (it queues at most two events,
 * emits nothing, never leaves an invoking state before its command ends): shown on small machines of
 * their own, each checked against what XState's actor does with the same machine.
 */
import { describe, expect, it } from "vitest";
import {
  type AnyStateMachine,
  assign,
  createActor,
  emit,
  fromCallback,
  fromPromise,
  type SnapshotFrom,
  setup,
} from "xstate";
import { steppedActors } from "../../../src/scheduler/stepped-actors.js";

/** Runs `machine` stepped, sending `events`, until `until` holds for a snapshot; returns the snapshots' contexts. */
function stepped<M extends AnyStateMachine>(machine: M, send: (s: (e: never) => void) => void) {
  const seen: unknown[] = [];
  const emitted: unknown[] = [];
  const actor = steppedActors(machine).start("m", createActor(machine).getSnapshot() as SnapshotFrom<M>, {
    next: (s) => seen.push((s as { context: unknown }).context),
    error: (e) => {
      throw e;
    },
    emitted: (e) => emitted.push(e),
  });
  send(actor.send as (e: never) => void);
  return { seen, emitted, actor };
}

describe("stepped actors", () => {
  it("process queued events first in, first out, like an actor's mailbox", () => {
    const machine = setup({
      types: { context: {} as { log: string[] }, events: {} as { type: "E"; n: string } },
      actions: { echo: () => {} },
    }).createMachine({
      context: { log: [] },
      on: { E: { actions: [assign({ log: ({ context, event }) => [...context.log, event.n] }), "echo"] } },
    });
    let send!: (e: never) => void;
    // Handling "1" sends "2", "3" and "4" at once: they wait, and come in that order.
    const withEcho = machine.provide({
      actions: {
        echo: ({ event }) => {
          if (event.n === "1") for (const n of ["2", "3", "4"]) send({ type: "E", n } as never);
        },
      },
    });
    const live = createActor(withEcho);
    const liveLogs: string[][] = [];
    live.subscribe((s) => liveLogs.push(s.context.log));
    live.start();
    send = live.send;
    live.send({ type: "E", n: "1" });
    const { seen } = stepped(withEcho, (s) => {
      send = s;
      s({ type: "E", n: "1" } as never);
    });
    expect(seen).toEqual(liveLogs.slice(1).map((log) => ({ log })));
    expect(seen.at(-1)).toEqual({ log: ["1", "2", "3", "4"] });
  });

  it("hand what the machine emits to the observer, after the transition that emitted it", () => {
    const machine = setup({
      types: {
        context: {} as { n: number },
        events: {} as { type: "PING" },
        emitted: {} as { type: "pong"; n: number },
      },
    }).createMachine({
      context: { n: 0 },
      on: {
        PING: {
          actions: [
            assign({ n: ({ context }) => context.n + 1 }),
            emit(({ context }) => ({ type: "pong" as const, n: context.n })),
          ],
        },
      },
    });
    const { emitted, seen } = stepped(machine, (s) => {
      s({ type: "PING" } as never);
      s({ type: "PING" } as never);
    });
    expect(emitted).toEqual([
      { type: "pong", n: 1 },
      { type: "pong", n: 2 },
    ]);
    expect(seen).toEqual([{ n: 1 }, { n: 2 }]);
  });

  it("drop a promise's result once its state was left, and abort its signal", async () => {
    const resolvers: ((v: string) => void)[] = [];
    const signals: AbortSignal[] = [];
    const machine = setup({
      types: { context: {} as { got: string[] }, events: {} as { type: "RESTART" } | { type: "STOP" } },
      actors: {
        job: fromPromise<string>(({ signal }) => {
          signals.push(signal);
          return new Promise((resolve) => resolvers.push(resolve));
        }),
      },
    }).createMachine({
      context: { got: [] },
      initial: "idle",
      states: {
        idle: { on: { RESTART: "work" } },
        work: {
          invoke: {
            id: "job",
            src: "job",
            onDone: {
              target: "idle",
              actions: assign({ got: ({ context, event }) => [...context.got, event.output] }),
            },
          },
          on: { RESTART: { target: "work", reenter: true }, STOP: "idle" },
        },
      },
    });
    const { seen } = stepped(machine, (s) => {
      s({ type: "RESTART" } as never); // first job
      s({ type: "RESTART" } as never); // left and entered again: a second job with the same id
    });
    expect(signals.map((s) => s.aborted)).toEqual([true, false]);
    resolvers[0]!("first");
    resolvers[1]!("second");
    await new Promise((r) => setImmediate(r));
    expect(seen.at(-1)).toEqual({ got: ["second"] });
  });

  it("never start a promise whose state is left in the same step, as XState's actor does not", () => {
    let calls = 0;
    const machine = setup({
      types: { events: {} as { type: "GO" } },
      actors: {
        job: fromPromise(async () => {
          calls++;
        }),
      },
    }).createMachine({
      initial: "idle",
      states: {
        idle: { on: { GO: "flash" } },
        flash: { invoke: { src: "job" }, always: "after" },
        after: {},
      },
    });
    const live = createActor(machine).start();
    live.send({ type: "GO" });
    expect(calls).toBe(0);
    stepped(machine, (s) => s({ type: "GO" } as never));
    expect(calls).toBe(0);
  });

  it("ignore events once the machine is final", () => {
    const machine = setup({ types: { events: {} as { type: "END" } | { type: "MORE" } } }).createMachine({
      initial: "a",
      states: { a: { on: { END: "z" } }, z: { type: "final" } },
    });
    const { seen, actor } = stepped(machine, (s) => {
      s({ type: "END" } as never);
      s({ type: "MORE" } as never);
    });
    expect(seen).toHaveLength(1);
    expect((actor.getSnapshot() as { status: string }).status).toBe("done");
  });

  it("end in error, as XState's actor does, when an assignment throws inside the step", () => {
    const machine = setup({ types: { events: {} as { type: "BREAK" } } }).createMachine({
      context: { n: 0 },
      on: {
        BREAK: {
          actions: assign(() => {
            throw new Error("assign broke");
          }),
        },
      },
    });
    const live = createActor(machine);
    const liveErrors: unknown[] = [];
    live.subscribe({ error: (e) => liveErrors.push(e) });
    live.start();
    live.send({ type: "BREAK" });
    expect(String(liveErrors[0])).toContain("assign broke");

    const errors: unknown[] = [];
    const seen: unknown[] = [];
    const actor = steppedActors(machine).start("m", createActor(machine).getSnapshot(), {
      next: (s) => seen.push(s),
      error: (e) => errors.push(e),
    });
    actor.send({ type: "BREAK" });
    actor.send({ type: "BREAK" });
    expect(errors.map(String)).toEqual([String(liveErrors[0])]);
    expect(seen).toEqual([]);
  });

  it("refuse an invoked actor that is not a promise: stepped machines carry out only those", () => {
    const machine = setup({
      actors: { listener: fromCallback(() => () => {}) },
    }).createMachine({
      initial: "idle",
      states: { idle: { on: { GO: "listening" } }, listening: { invoke: { src: "listener", id: "l" } } },
    });
    const errors: unknown[] = [];
    const actor = steppedActors(machine).start("m", createActor(machine).getSnapshot(), {
      next: () => {},
      error: (e) => errors.push(e),
    });
    actor.send({ type: "GO" } as never);
    expect(errors.map(String)).toEqual([expect.stringContaining('invoked actor "l" is not a promise actor')]);
  });
});
