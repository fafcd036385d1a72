/**
 * A worktree's lifecycle as an XState machine compiled from the pipeline's `worktree` section:
 * leasing -> verifying -> (missing) creating -> one state per setup step -> checking -> pulling ->
 * ready -> cleaning -> removed | kept; or failed with a reason. Verifying gets the readiness verdict;
 * setup runs only with `canSetup`, and then only where the verdict asks for it. `RELEASE` ends a
 * worktree that is not cleaned. Nothing touches the worktree before its lease (one run at a time,
 * across processes) is held, and one whose lease was never held is never cleaned.
 * Actors are named by string and provided by the executor; this file never imports `steps/`.
 */
import { assign, fromPromise, setup } from "xstate";
import { GroveError, InternalError } from "../errors.js";
import type { WorktreeProblem } from "../events.js";

/**
 * What a thrown error says in a worktree's detail: Grove's own errors (a start point that is no commit,
 * a git failure) by their message, as the user reads them; anything else with its class, a bug to report.
 */
function thrown(error: unknown): string {
  return error instanceof GroveError ? error.message : String(error);
}

/** Why a worktree is not ready: the shared union (one name in every output). */
export type WorktreeFailure = WorktreeProblem;

export interface LeaseOutput {
  /** busy: another live run holds it and the run does not wait (--no-wait). */
  kind: "acquired" | "busy";
  detail: string;
}
export interface VerifyOutput {
  /** The readiness verdict (steps/worktree-readiness.ts): ready, or what is wrong. */
  state:
    | "ready"
    | Extract<
        WorktreeProblem,
        "worktree-missing" | "not-a-worktree" | "not-set-up" | "verify-failed" | "merge-conflict"
      >;
  /** There is no usable worktree to set up: missing, or a run's creation of it was interrupted. */
  create: boolean;
  /** Ready, but the setup definition changed since Grove ran it: --setup-worktrees reruns setup. */
  setupChanged: boolean;
  detail?: string;
}
export interface StepOutput {
  ok: boolean;
  detail: string;
}
export interface PullOutput {
  kind: "up-to-date" | "updated" | "conflict" | "refused" | "failed";
  /** The user's sentence; for a conflict it names the conflicting files. */
  detail: string;
}
export interface CleanupOutput {
  kind: "removed" | "kept" | "not-ours";
  reasons?: string[];
}

export interface WorktreeMachineInput {
  name: string;
  /** --setup-worktrees: create missing worktrees and (re)run setup. */
  canSetup: boolean;
  /** --pull-coordinator. */
  pull: boolean;
}

export interface WorktreeContext extends WorktreeMachineInput {
  failure: WorktreeFailure | null;
  detail: string;
  keptReasons: string[];
  cancelled: boolean;
  /** This run holds the worktree's lease (only then may it be cleaned). */
  leased: boolean;
}

export type WorktreeEvent = { type: "CLEANUP" } | { type: "RELEASE" } | { type: "CANCEL" };

const notProvided = <O>(name: string) =>
  fromPromise<O, { name: string; index: number }>(async () => {
    throw new InternalError(`actor "${name}" was not provided to the worktree machine`);
  });

const machineSetup = setup({
  types: { context: {} as WorktreeContext, input: {} as WorktreeMachineInput, events: {} as WorktreeEvent },
  actors: {
    leaseWorktree: notProvided<LeaseOutput>("leaseWorktree"),
    verifyWorktree: notProvided<VerifyOutput>("verifyWorktree"),
    createWorktree: notProvided<StepOutput>("createWorktree"),
    runSetupStep: notProvided<StepOutput>("runSetupStep"),
    runChecks: notProvided<StepOutput>("runChecks"),
    pullCoordinator: notProvided<PullOutput>("pullCoordinator"),
    cleanupWorktree: notProvided<CleanupOutput>("cleanupWorktree"),
  },
  guards: { cancelled: ({ context }) => context.cancelled, leased: ({ context }) => context.leased },
});

/** A state of the machine, typed by its setup (actors, events, context): the generated setup steps. */
type StateConfig = Parameters<typeof machineSetup.createStateConfig>[0];

/** How an interrupted worktree fails: what the worktree list and the report say. */
const interrupted = { failure: "cancelled", detail: "interrupted" } as const;

/** Why the worktree failed, for an assign: "cancelled" wins once the run is interrupted. */
const failed = (context: WorktreeContext, failure: WorktreeFailure, detail: string) =>
  context.cancelled ? interrupted : { failure, detail };

function compileWorktreeMachine(setupStepNames: readonly string[]) {
  const stepKeys = setupStepNames.map((_, i) => `setup_${i}`);
  const afterCreate = stepKeys[0] ?? "checking";
  const states: Record<string, StateConfig> = {};
  setupStepNames.forEach((name, i) => {
    states[stepKeys[i]!] = machineSetup.createStateConfig({
      description: `setup step "${name}"`,
      meta: { step: name },
      invoke: {
        id: stepKeys[i],
        src: "runSetupStep",
        input: ({ context }) => ({ name: context.name, index: i }),
        onDone: [
          {
            guard: ({ context, event }) => event.output.ok && !context.cancelled,
            target: stepKeys[i + 1] ?? "checking",
          },
          {
            target: "failed",
            actions: assign(({ context, event }) =>
              failed(context, "setup-failed", `setup step ${i + 1} "${name}" failed: ${event.output.detail}`),
            ),
          },
        ],
        onError: {
          target: "failed",
          actions: assign(({ context, event }) =>
            failed(context, "setup-failed", `setup step ${i + 1} "${name}": ${thrown(event.error)}`),
          ),
        },
      },
    });
  });

  return machineSetup.createMachine({
    id: "worktree",
    initial: "leasing",
    context: ({ input }) => ({
      ...input,
      failure: null,
      detail: "",
      keptReasons: [],
      cancelled: false,
      leased: false,
    }),
    on: { CANCEL: { actions: assign({ cancelled: true }) } },
    states: {
      leasing: {
        description: "waits for the worktree's lease (held by another run) unless --no-wait",
        invoke: {
          id: "lease",
          src: "leaseWorktree",
          input: ({ context }) => ({ name: context.name, index: 0 }),
          onDone: [
            {
              guard: "cancelled",
              target: "failed",
              // Interrupted while waiting: a lease had in the meantime is still this run's (cleaned).
              actions: assign(({ event }) => ({ ...interrupted, leased: event.output.kind === "acquired" })),
            },
            {
              guard: ({ event }) => event.output.kind === "acquired",
              target: "verifying",
              actions: assign({ leased: true }),
            },
            {
              target: "failed",
              actions: assign(({ context, event }) => failed(context, "worktree-busy", event.output.detail)),
            },
          ],
          onError: {
            target: "failed",
            actions: assign(({ context, event }) => failed(context, "lease-failed", thrown(event.error))),
          },
        },
      },
      verifying: {
        invoke: {
          id: "verify",
          src: "verifyWorktree",
          input: ({ context }) => ({ name: context.name, index: 0 }),
          onDone: [
            {
              guard: "cancelled",
              target: "failed",
              actions: assign(interrupted),
            },
            {
              guard: ({ event, context }) => event.output.create && context.canSetup,
              target: "creating",
            },
            {
              // Setup repairs these; it runs only when asked (--setup-worktrees).
              guard: ({ event, context }) =>
                context.canSetup &&
                (event.output.state === "not-set-up" ||
                  event.output.state === "verify-failed" ||
                  (event.output.state === "ready" && event.output.setupChanged)),
              target: afterCreate,
            },
            {
              guard: ({ event }) => event.output.state !== "ready",
              target: "failed",
              actions: assign(({ context, event }) => {
                const { state, detail } = event.output;
                const hint =
                  context.canSetup || state === "not-a-worktree" || state === "merge-conflict"
                    ? ""
                    : state === "worktree-missing"
                      ? "; create it with --setup-worktrees"
                      : "; rerun with --setup-worktrees";
                return { failure: state === "ready" ? null : state, detail: `${detail ?? state}${hint}` };
              }),
            },
            { guard: ({ context }) => context.pull, target: "pulling" },
            { target: "ready" },
          ],
          onError: {
            target: "failed",
            actions: assign(({ context, event }) => failed(context, "verify-failed", thrown(event.error))),
          },
        },
      },
      creating: {
        invoke: {
          id: "create",
          src: "createWorktree",
          input: ({ context }) => ({ name: context.name, index: 0 }),
          onDone: [
            { guard: ({ event, context }) => event.output.ok && !context.cancelled, target: afterCreate },
            {
              target: "failed",
              actions: assign(({ context, event }) => failed(context, "create-failed", event.output.detail)),
            },
          ],
          onError: {
            target: "failed",
            actions: assign(({ context, event }) => failed(context, "create-failed", thrown(event.error))),
          },
        },
      },
      ...states,
      checking: {
        description: "verify checks after setup; records the setup as done",
        invoke: {
          id: "checks",
          src: "runChecks",
          input: ({ context }) => ({ name: context.name, index: 0 }),
          onDone: [
            {
              guard: ({ event, context }) => event.output.ok && !context.cancelled && context.pull,
              target: "pulling",
            },
            { guard: ({ event, context }) => event.output.ok && !context.cancelled, target: "ready" },
            {
              target: "failed",
              actions: assign(({ context, event }) => failed(context, "verify-failed", event.output.detail)),
            },
          ],
          onError: {
            target: "failed",
            actions: assign(({ context, event }) => failed(context, "verify-failed", thrown(event.error))),
          },
        },
      },
      pulling: {
        invoke: {
          id: "pull",
          src: "pullCoordinator",
          input: ({ context }) => ({ name: context.name, index: 0 }),
          onDone: [
            {
              guard: "cancelled",
              target: "failed",
              actions: assign(interrupted),
            },
            {
              guard: ({ event }) => event.output.kind === "up-to-date" || event.output.kind === "updated",
              target: "ready",
            },
            {
              guard: ({ event }) => event.output.kind === "conflict",
              target: "failed",
              actions: assign(({ context, event }) => failed(context, "merge-conflict", event.output.detail)),
            },
            {
              guard: ({ event }) => event.output.kind === "refused",
              target: "failed",
              actions: assign(({ context, event }) => failed(context, "pull-refused", event.output.detail)),
            },
            {
              target: "failed",
              actions: assign(({ context, event }) => failed(context, "pull-failed", event.output.detail)),
            },
          ],
          onError: {
            target: "failed",
            actions: assign(({ context, event }) => failed(context, "pull-failed", thrown(event.error))),
          },
        },
      },
      ready: { description: "its scenarios may run", on: { CLEANUP: "cleaning", RELEASE: "released" } },
      failed: {
        description: "cannot be made ready; its scenarios are skipped (never cleaned unless leased)",
        on: {
          CLEANUP: [{ guard: "leased", target: "cleaning" }, { target: "released" }],
          RELEASE: "released",
        },
      },
      cleaning: {
        invoke: {
          id: "cleanup",
          src: "cleanupWorktree",
          input: ({ context }) => ({ name: context.name, index: 0 }),
          onDone: [
            { guard: ({ event }) => event.output.kind === "removed", target: "removed" },
            { guard: ({ event }) => event.output.kind === "not-ours", target: "released" },
            { target: "kept", actions: assign({ keptReasons: ({ event }) => event.output.reasons ?? [] }) },
          ],
          onError: {
            target: "kept",
            actions: assign({ keptReasons: ({ event }) => [`cleanup failed: ${thrown(event.error)}`] }),
          },
        },
      },
      removed: { type: "final" },
      kept: { type: "final", description: "holds work; left in place" },
      released: { type: "final", description: "left in place (not created by Grove, or no --cleanup)" },
    },
  });
}

export type WorktreeMachine = ReturnType<typeof createWorktreeMachine>;

const compiled = new Map<string, ReturnType<typeof compileWorktreeMachine>>();

/** The worktree machine for these setup steps, compiled once per list of names and shared (see createScenarioMachine). */
export function createWorktreeMachine(
  setupStepNames: readonly string[],
): ReturnType<typeof compileWorktreeMachine> {
  const key = JSON.stringify(setupStepNames);
  let machine = compiled.get(key);
  if (!machine) {
    machine = compileWorktreeMachine(setupStepNames);
    compiled.set(key, machine);
  }
  return machine;
}
