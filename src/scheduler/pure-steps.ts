/**
 * Steps a machine without an actor, as XState's `initialTransition` and `transition` do, through one
 * inert actor scope shared by every step. XState's two functions build a new scope on each call: an
 * Actor (whose constructor computes the machine's initial state) and two actor systems. Measured on
 * the scenario machine (1,000 scenarios, warm): 50-120 us per step that way, 5-30 us with the scope
 * kept, and most of a run's garbage gone with it.
 *
 * Like XState's scope, this one is inert: actions are not executed and nothing it spawns is started.
 * It is for states that invoke nothing and whose transitions only assign (a resting scenario: pending,
 * waiting, queued); a running scenario is stepped with its effects carried out (stepped-actors.ts).
 *
 * The initial state is the same for every input unless the machine says otherwise (an input-dependent
 * initial transition or entry action): it is computed once, and each scenario's context is made by the
 * machine's own context factory (~3 us against ~60-100 us for XState's initial microstep, per scenario).
 * Whether that holds is checked on the machine itself, with two different inputs, when the steps are
 * made; where it does not, every scenario gets XState's initial snapshot.
 */
import { isDeepStrictEqual } from "node:util";
import { type AnyActorScope, createActor, type SnapshotFrom } from "xstate";
import type {
  ScenarioContext,
  ScenarioEvent,
  ScenarioMachine,
  ScenarioMachineInput,
} from "../machines/scenario-machine.js";

type Snapshot = SnapshotFrom<ScenarioMachine>;

/** A machine's initial state: its value, context and status (what a resting scenario keeps). */
export interface InitialState {
  value: Snapshot["value"];
  context: ScenarioContext;
  status: Snapshot["status"];
}

/** A resting machine: its state value, context and status. */
export type RestingState = InitialState;

/** Pure steps of a scenario machine: the initial state for an input, and the state after an event. */
export interface PureSteps {
  initial(input: ScenarioMachineInput): InitialState;
  next(snapshot: Snapshot, event: ScenarioEvent): Snapshot;
  /**
   * The state after `event` from a resting one (value and context only). A move that is the same
   * whatever the context (one unguarded transition without actions between two top-level states
   * that run nothing on exit or entry, e.g. pending -RUN-> waiting) is computed once per machine and
   * reused: at 100,000 scenarios, XState's step of each (its snapshot rebuilt first) cost seconds.
   */
  rest(state: Pick<Snapshot, "value" | "context">, event: ScenarioEvent): RestingState;
}

/** Two inputs that differ in every field, to tell whether the initial state depends on the input. */
const PROBES: readonly ScenarioMachineInput[] = [
  { name: "probe-a", worktree: "a", retries: 0, timeoutMs: 1, retryOn: [] },
  { name: "probe-b", worktree: "b", retries: 2, timeoutMs: 2, retryOn: ["failed"] },
];

/** The pure steps of `machine` (a scenario machine with its implementations provided). */
export function pureSteps(machine: ScenarioMachine): PureSteps {
  // The same scope XState's createInertActorScope makes, made once. Its actor is never started; it
  // only needs some input to be constructed.
  const self = createActor(machine, {
    input: { name: "", worktree: "", retries: 0, timeoutMs: 0, retryOn: [] },
  });
  const scope: AnyActorScope = {
    self,
    id: "",
    sessionId: "",
    logger: () => {},
    defer: () => {},
    emit: () => {},
    system: self.system,
    stopChild: () => {},
    actionExecutor: () => {},
  };
  const full = (input: ScenarioMachineInput): InitialState => {
    const { value, context, status } = machine.getInitialSnapshot(scope, input);
    return { value, context, status };
  };
  const factory = machine.config.context;
  const next = (snapshot: Snapshot, event: ScenarioEvent) => machine.transition(snapshot, event, scope);
  if (typeof factory !== "function") return { initial: full, next, rest: restingSteps(machine, next) };
  // The machine's own context factory, called as XState calls it (it has nothing to spawn here).
  const contextOf = (input: ScenarioMachineInput) =>
    ({ ...factory({ input, self, spawn: () => self as never } as never) }) as ScenarioContext;
  const probed = PROBES.map(full);
  const inputFree =
    probed.every((p) => p.status === "active" && isDeepStrictEqual(p.value, probed[0]!.value)) &&
    PROBES.every((input, i) => isDeepStrictEqual(contextOf(input), probed[i]!.context));
  const { value, status } = probed[0]!;
  return {
    initial: inputFree ? (input) => ({ value, context: contextOf(input), status }) : full,
    next,
    rest: restingSteps(machine, next),
  };
}

/** `PureSteps.rest`: XState's step, or the one it gave before when the move cannot depend on context. */
function restingSteps(machine: ScenarioMachine, next: PureSteps["next"]): PureSteps["rest"] {
  /** By state and event type: the state moved to, or null when the move must be computed each time. */
  const moves = new Map<string, { value: Snapshot["value"]; status: Snapshot["status"] } | null>();
  return (state, event) => {
    const key =
      typeof state.value === "string" && Object.keys(event).length === 1
        ? `${state.value}\u0000${event.type}`
        : undefined;
    const known = key === undefined ? null : moves.get(key);
    if (known) return { value: known.value, context: state.context, status: known.status };
    const snapshot = machine.resolveState(state);
    const after = next(snapshot, event);
    if (key !== undefined && known === undefined)
      moves.set(
        key,
        independentOfContext(machine, snapshot, event, after)
          ? { value: after.value, status: after.status }
          : null,
      );
    return { value: after.value, context: after.context, status: after.status };
  };
}

/**
 * Whether the move from `before` on `event` is the same for every context: a single transition with
 * no guard and no actions, from a top-level state with no exit actions to one with no entry actions,
 * nothing invoked, no eventless transition, not final; and XState's own step left the context as it was.
 */
function independentOfContext(
  machine: ScenarioMachine,
  before: Snapshot,
  event: ScenarioEvent,
  after: Snapshot,
): boolean {
  const transitions = machine.getTransitionData(before, event);
  if (transitions.length !== 1 || typeof after.value !== "string" || after.context !== before.context)
    return false;
  const [t] = transitions;
  const source = machine.root.states[before.value as string];
  const target = machine.root.states[after.value];
  const plain = (n: typeof source) =>
    n !== undefined &&
    n.type === "atomic" &&
    n.entry.length === 0 &&
    n.exit.length === 0 &&
    n.invoke.length === 0 &&
    n.always === undefined;
  return (
    t!.guard === undefined &&
    t!.actions.length === 0 &&
    t!.target?.length === 1 &&
    t!.target[0] === target &&
    plain(source) &&
    plain(target) &&
    machine.root.always === undefined &&
    after.status === "active"
  );
}
