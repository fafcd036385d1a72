/**
 * Runs machines without XState actors: a running scenario (and the run itself) is a snapshot stepped
 * with its machine's own transition function, and this module carries out what XState's actor would
 * (the machine's custom and built-in actions, its invoked promise actors and their done and error
 * events, emitted events, a mailbox per actor, the inspection stream).
 *
 * Why: a live actor per scenario (created from a snapshot, started, subscribed, its invoked child an
 * actor with an AbortController of its own) cost ~0.3 ms of the main thread per scenario in a run of
 * 1,000 no-op commands, about a quarter of Grove's whole cost per scenario (bench/overhead.ts). The
 * statechart stays the one owner of a scenario's status: every transition is XState's.
 *
 * Supported: promise actors (`fromPromise`, what the scenario machine invokes), custom and built-in
 * actions, eventless transitions and raised events (all inside XState's transition). Not supported,
 * and refused when met: other invoked logic (callbacks, observables, machines), and delayed events,
 * which a restored snapshot loses anyway.
 *
 * Not responsible for: which scenario starts when (ready-set.ts), what a status means (start-run.ts).
 */
import {
  type AnyActorRef,
  type AnyActorScope,
  type AnyMachineSnapshot,
  type AnyStateMachine,
  createActor,
  createMachine,
  type EmittedFrom,
  type EventFromLogic,
  type InspectionEvent,
  type SnapshotFrom,
} from "xstate";
import { InternalError } from "../errors.js";

/** What a stepped machine tells its owner, as an actor's observers would hear it. */
export interface SteppedObserver<M extends AnyStateMachine> {
  /** The snapshot after each event (and its effects started), as an actor's `next`. */
  next(snapshot: SnapshotFrom<M>): void;
  /** The machine's own logic threw (a guard, an action, an input mapper): the actor's error. */
  error(error: unknown): void;
  /** An event the machine emitted (`emit`), as an actor's `on` listeners get it. */
  emitted?(event: EmittedFrom<M>): void;
}

/** One running machine. */
export interface SteppedActor<M extends AnyStateMachine> {
  send(event: EventFromLogic<M>): void;
  getSnapshot(): SnapshotFrom<M>;
}

/** A promise actor's creator, as `fromPromise` keeps it (`logic.config`). */
type PromiseCreator = (args: {
  input: unknown;
  system: unknown;
  self: AnyActorRef;
  signal: AbortSignal;
  emit: (event: unknown) => void;
}) => PromiseLike<unknown> | unknown;

interface Executable {
  type: string;
  info: unknown;
  params: unknown;
  exec: ((info: unknown, params: unknown) => void) | undefined;
}

/** An invoked promise that has not settled: its ref in the snapshot's children, and its abort. */
interface Pending {
  ref: AnyActorRef;
  controller: AbortController;
}

type ChildLogic = {
  config?: unknown;
  transition?: (snapshot: unknown, event: unknown, scope: unknown) => { status?: string };
};
const promiseLogics = new WeakMap<object, boolean>();
/**
 * Whether an invoked actor's logic is a promise's (`fromPromise`): its config is the promise creator,
 * and its transition function settles on XState's "promise resolved" event. Callback, observable and
 * transition logics have a function config too, but answer that event otherwise (or throw without
 * their running instance); asked once per logic.
 */
function isPromiseLogic(logic: ChildLogic | undefined): logic is ChildLogic & { config: PromiseCreator } {
  if (typeof logic?.config !== "function" || typeof logic.transition !== "function") return false;
  let known = promiseLogics.get(logic);
  if (known === undefined) {
    try {
      const probe = { status: "active", output: undefined, error: undefined, input: undefined };
      const event = { type: "xstate.promise.resolve", data: probe };
      const settled = logic.transition(probe, event, {}) as { status?: string; output?: unknown };
      known = settled.status === "done" && settled.output === probe;
    } catch {
      known = false;
    }
    promiseLogics.set(logic, known);
  }
  return known;
}

/**
 * Stepped actors of one machine (with its implementations provided), sharing one actor scope.
 * `inspect` gets the inspection events a live actor's inspector would (actor created, event received,
 * each microstep with its transitions, each snapshot), named by actor.
 */
export function steppedActors<M extends AnyStateMachine>(
  machine: M,
  inspect?: (event: InspectionEvent, actor: string) => void,
): { start(name: string, snapshot: SnapshotFrom<M>, observer: SteppedObserver<M>): SteppedActor<M> } {
  type Snapshot = SnapshotFrom<M>;
  const statusOf = (s: Snapshot) => (s as unknown as AnyMachineSnapshot).status;
  // The scope's own actor is never started: it only lends its actor system (and is the parent of the
  // promise actors' refs, which are never started either).
  const self = createActor(createMachine({}));
  /** The actor being stepped (a step's effects may step another one, so it is saved and restored). */
  let current: string | undefined;
  /** Where what the stepped actor emits goes. */
  let emitTo: ((event: never) => void) | undefined;
  let effects: Executable[] = [];
  let deferred: (() => void)[] = [];
  const report = (event: Record<string, unknown>) => {
    if (!inspect || current === undefined) return;
    event.rootId = self.sessionId;
    inspect(event as unknown as InspectionEvent, current);
  };
  const reportAs = (name: string, event: Record<string, unknown>) => {
    const saved = current;
    current = name;
    report(event);
    current = saved;
  };
  // The system's own methods, except that its inspection events (XState sends one per microstep)
  // go to `inspect`, for the scenario being stepped.
  const system = Object.create(self.system) as typeof self.system & {
    _sendInspectionEvent(event: Record<string, unknown>): void;
  };
  system._sendInspectionEvent = report;
  const scope: AnyActorScope = {
    self,
    id: "",
    sessionId: self.sessionId,
    logger: console.log,
    defer: (fn) => void deferred.push(fn),
    emit: (event) => emitTo?.(event as never),
    system,
    stopChild: () => {},
    actionExecutor: (action) => void effects.push(action as Executable),
  };

  /** The machine's next snapshot and the effects it asked for, computed as XState's actor does. */
  const transition = (name: string, snapshot: Snapshot, event: unknown) => {
    const saved = { current, effects, deferred };
    current = name;
    effects = [];
    deferred = [];
    try {
      report({ type: "@xstate.event", actorRef: self, event, sourceRef: undefined });
      const next = machine.transition(snapshot, event, scope) as Snapshot;
      return { next, effects, deferred };
    } finally {
      ({ current, effects, deferred } = saved);
    }
  };

  /** Starts stepping a machine at rest in `initial` (restored, or initial with no entry effects). */
  const start = (name: string, initial: Snapshot, observer: SteppedObserver<M>): SteppedActor<M> => {
    let snapshot = initial;
    const pending = new Map<string, Pending>();
    const mailbox: unknown[] = [];
    let processing = false;
    let failed = false;

    const settleChild = (id: string, ref: AnyActorRef, event: object) => {
      if (pending.get(id)?.ref !== ref) return; // stopped meanwhile: its result is dropped, as XState does
      pending.delete(id);
      receive(event);
    };
    const startChild = (id: string, ref: AnyActorRef, input: unknown) => {
      const logic = (ref as { logic?: ChildLogic }).logic;
      if (!isPromiseLogic(logic))
        throw new InternalError(
          `invoked actor "${id}" is not a promise actor; stepped machines run only those`,
        );
      const controller = new AbortController();
      pending.set(id, { ref, controller });
      let promise: PromiseLike<unknown>;
      try {
        promise = Promise.resolve(
          logic.config({
            input,
            system,
            self: ref,
            signal: controller.signal,
            emit: () => {},
          }),
        );
      } catch (error) {
        promise = Promise.reject(error);
      }
      promise.then(
        (output) => settleChild(id, ref, { type: `xstate.done.actor.${id}`, output, actorId: id }),
        (error) => settleChild(id, ref, { type: `xstate.error.actor.${id}`, error, actorId: id }),
      );
    };
    // Effects run as this actor's: what they defer (an emit, a send) is run after them, here.
    const carryOut = (done: ReturnType<typeof transition>) => {
      const saved = { current, emitTo, deferred };
      current = name;
      emitTo = observer.emitted as typeof emitTo;
      deferred = done.deferred;
      try {
        effect(done);
        for (let fn = deferred.shift(); fn; fn = deferred.shift()) fn();
      } finally {
        ({ current, emitTo, deferred } = saved);
      }
    };
    // As XState's actor: custom actions in order; invoked actors started after them (a child spawned
    // and stopped in the same step, its state left by an eventless move, never starts).
    const effect = (done: ReturnType<typeof transition>) => {
      const spawned: { id: string; ref: AnyActorRef; input: unknown }[] = [];
      for (const action of done.effects) {
        if (action.type === "xstate.spawnChild") {
          const { id, actorRef, input } = action.params as {
            id: string;
            actorRef?: AnyActorRef;
            input: unknown;
          };
          if (actorRef) spawned.push({ id, ref: actorRef, input });
        } else if (action.type === "xstate.stopChild") {
          const ref = action.params as AnyActorRef | undefined;
          const unstarted = spawned.findIndex((c) => c.ref === ref);
          if (unstarted >= 0) spawned.splice(unstarted, 1);
          for (const [id, p] of pending)
            if (p.ref === ref) {
              pending.delete(id);
              p.controller.abort();
            }
        } else action.exec?.(action.info, action.params);
      }
      for (const c of spawned) startChild(c.id, c.ref, c.input);
    };
    const process = (event: unknown) => {
      const done = transition(name, snapshot, event);
      snapshot = done.next;
      carryOut(done);
      if (statusOf(snapshot) === "error") throw (snapshot as unknown as AnyMachineSnapshot).error;
      reportAs(name, { type: "@xstate.snapshot", actorRef: self, event, snapshot });
      if (statusOf(snapshot) !== "active") for (const p of pending.values()) p.controller.abort();
      observer.next(snapshot);
    };
    // A mailbox, as an actor's: an event sent while one is being processed waits for it.
    function receive(event: unknown) {
      if (failed || statusOf(snapshot) !== "active") return;
      mailbox.push(event);
      if (processing) return;
      processing = true;
      try {
        for (let next = mailbox.shift(); next !== undefined; next = mailbox.shift()) process(next);
      } catch (error) {
        failed = true;
        mailbox.length = 0;
        for (const p of pending.values()) p.controller.abort();
        pending.clear();
        observer.error(error);
      } finally {
        processing = false;
      }
    }

    // What a live actor's inspector hears when it starts: created, the init event, its snapshot.
    reportAs(name, { type: "@xstate.actor", actorRef: self });
    reportAs(name, { type: "@xstate.event", actorRef: self, event: { type: "xstate.init" } });
    reportAs(name, { type: "@xstate.snapshot", actorRef: self, event: { type: "xstate.init" }, snapshot });
    return { send: (event) => receive(event), getSnapshot: () => snapshot };
  };

  return { start };
}
