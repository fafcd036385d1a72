import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { createActor, fromPromise } from "xstate";
import { WorktreeError } from "../../src/errors.js";
import {
  type CleanupOutput,
  createWorktreeMachine,
  type LeaseOutput,
  type PullOutput,
  type StepOutput,
  type VerifyOutput,
} from "../../src/machines/worktree-machine.js";
import { propertyRuns } from "../helpers/property-runs.js";

const tick = () => new Promise<void>((r) => setImmediate(r));

/**
 * Resolves once the machine's state satisfies `done`; rejects when nothing changes for many ticks while
 * it does not (every fake actor ends in one tick), so a machine that stalls fails at once, naming the
 * state it is stuck in, instead of hanging until the test's timeout.
 */
function reaches(
  actor: { getSnapshot(): { value: unknown }; subscribe(f: () => void): { unsubscribe(): void } },
  done: (value: unknown) => boolean,
): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    let changed = 0;
    const sub = actor.subscribe(() => changed++);
    let seen = -1;
    let quiet = 0;
    const watch = () => {
      if (done(actor.getSnapshot().value)) {
        sub.unsubscribe();
        resolve();
        return;
      }
      quiet = changed === seen ? quiet + 1 : 0;
      seen = changed;
      if (quiet > 100) {
        sub.unsubscribe();
        reject(new Error(`the worktree machine stalled in ${JSON.stringify(actor.getSnapshot().value)}`));
      } else setImmediate(watch);
    };
    watch();
  });
}

/** `value` `weight` times as often as each of `others` (fc.oneof's weights). */
const mostly = <T>(value: T, weight: number, others: fc.Arbitrary<T>) =>
  fc.oneof({ arbitrary: fc.constant(value), weight }, { arbitrary: others, weight: 1 });

const ACTORS = ["lease", "verify", "create", "step", "checks", "pull", "cleanup"] as const;

// Biased towards a held lease, a `ready` verdict and no crash or interrupt: without it the paths that
// reach the pull (and the setup steps after a verdict that needs them) come up in a few cases per
// thousand, too rarely for a mutation run at a fifth of the cases to see each pull outcome.
const scenarioArb = fc.record({
  /** The worktree's name: every actor is asked about this one. */
  name: fc.stringMatching(/^[a-z][a-z0-9_-]{0,7}$/),
  lease: mostly<LeaseOutput["kind"]>("acquired", 4, fc.constant("busy")),
  steps: fc.array(mostly(true, 3, fc.constant(false)), { maxLength: 4 }),
  verdict: mostly<VerifyOutput["state"]>(
    "ready",
    2,
    fc.constantFrom("worktree-missing", "not-a-worktree", "not-set-up", "verify-failed", "merge-conflict"),
  ),
  setupChanged: fc.boolean(),
  /** Whether the verdict comes with a sentence (else the verdict's name is shown). */
  verdictDetail: fc.boolean(),
  /** With not-set-up: a run's creation was interrupted, so the worktree is created (resumed) first. */
  halfCreated: fc.boolean(),
  canSetup: fc.boolean(),
  pull: mostly(true, 2, fc.constant(false)),
  createOk: mostly(true, 3, fc.constant(false)),
  checksOk: mostly(true, 3, fc.constant(false)),
  pullKind: fc.constantFrom<PullOutput["kind"]>("up-to-date", "updated", "conflict", "refused", "failed"),
  cleanupKind: fc.constantFrom<"removed" | "kept" | "not-ours">("removed", "kept", "not-ours"),
  cleanup: fc.boolean(),
  cancelAt: mostly<number | undefined>(undefined, 3, fc.nat({ max: 8 })),
  /** A crashing actor throws one of Grove's errors (shown by its message) or any other (with its class). */
  groveError: fc.boolean(),
  throwIn: mostly<(typeof ACTORS)[number] | undefined>(undefined, 2, fc.constantFrom(...ACTORS)),
});

/** The id each actor is invoked with (its state's `invoke.id`), and the index it is asked about. */
const invocation = (call: string) => {
  const step = /^step(\d+)$/.exec(call);
  return step ? { id: `setup_${step[1]}`, index: Number(step[1]) } : { id: call, index: 0 };
};

type Case = typeof scenarioArb extends fc.Arbitrary<infer T> ? T : never;

/**
 * Independent oracle: the actors a worktree must call, in order, where it must rest and why, and how
 * it must end, from the generated outcomes alone (the documented lifecycle, docs/worktrees.md: the
 * lease first (busy or failing: nothing else runs, and it is never cleaned); verify; with
 * --setup-worktrees, create when missing or half-created, set up where the verdict is not-set-up or
 * verify-failed or the setup definition changed; checks after setup; the pull whenever it is asked and
 * everything before it passed; without --setup-worktrees the verdict's problem is the failure; an
 * interrupt during any of these fails it as `cancelled`).
 */
function expectedWorktree(c: Case) {
  const crash = (actor: string) => `${c.groveError ? "" : "Error: "}${actor} crashed`;
  const calls: string[] = [];
  let failure: string | null = null;
  let detail = "";
  /**
   * Calls an actor; a throwing one fails the worktree as `thrownWith`, a failing one as `failWith`,
   * with the sentence the user sees: the actor's own (`<kind> said no`), or the error it threw.
   */
  const run = (
    kind: string,
    ok: boolean,
    failWith: string,
    thrownWith = failWith,
    says = (text: string) => text,
  ) => {
    calls.push(kind);
    const base = kind.replace(/\d+$/, "");
    if (c.throwIn === base) {
      failure = thrownWith;
      detail = says(crash(base));
    } else if (!ok) {
      failure = failWith;
      detail = says(`${base} said no`);
    }
    return failure === null;
  };
  const setupAndPull = () => {
    for (let i = 0; i < c.steps.length; i++) {
      const says = (text: string) =>
        c.throwIn === "step"
          ? `setup step ${i + 1} "s${i}": ${text}`
          : `setup step ${i + 1} "s${i}" failed: ${text}`;
      if (!run(`step${i}`, c.steps[i]!, "setup-failed", "setup-failed", says)) return;
    }
    if (!run("checks", c.checksOk, "verify-failed")) return;
    pull();
  };
  const pull = () => {
    if (!c.pull) return;
    const failures = { conflict: "merge-conflict", refused: "pull-refused", failed: "pull-failed" } as const;
    const ok = c.pullKind === "up-to-date" || c.pullKind === "updated";
    run("pull", ok, ok ? "pull-failed" : failures[c.pullKind as keyof typeof failures], "pull-failed");
  };
  const leased = run("lease", c.lease === "acquired", "worktree-busy", "lease-failed");
  if (leased && run("verify", true, "verify-failed")) {
    const create = c.verdict === "worktree-missing" || (c.verdict === "not-set-up" && c.halfCreated);
    const setupWanted =
      c.verdict === "not-set-up" ||
      c.verdict === "verify-failed" ||
      (c.verdict === "ready" && c.setupChanged);
    if (create && c.canSetup) {
      if (run("create", c.createOk, "create-failed")) setupAndPull();
    } else if (setupWanted && c.canSetup) setupAndPull();
    else if (c.verdict !== "ready") {
      failure = c.verdict;
      // Without --setup-worktrees the sentence says how to repair what setup can repair.
      const hint =
        c.canSetup || c.verdict === "not-a-worktree" || c.verdict === "merge-conflict"
          ? ""
          : c.verdict === "worktree-missing"
            ? "; create it with --setup-worktrees"
            : "; rerun with --setup-worktrees";
      detail = `${c.verdictDetail ? "verify said so" : c.verdict}${hint}`;
    } else pull();
  }
  if (c.cancelAt !== undefined && c.cancelAt < calls.length) {
    calls.splice(c.cancelAt + 1);
    failure = "cancelled";
    detail = "interrupted";
  }
  let final = "released";
  let keptReasons: string[] = [];
  // Cleaned only when leased: interrupted during the lease, it depends on whether the lease was had.
  const held = c.lease === "acquired" && c.throwIn !== "lease";
  if (c.cleanup && held) {
    calls.push("cleanup");
    final =
      c.throwIn === "cleanup"
        ? "kept"
        : { removed: "removed", kept: "kept", "not-ours": "released" }[c.cleanupKind];
    if (c.throwIn === "cleanup") keptReasons = [`cleanup failed: ${crash("cleanup")}`];
    else if (c.cleanupKind === "kept") keptReasons = ["1 modified"];
  }
  return {
    calls,
    rest: failure === null ? "ready" : "failed",
    failure,
    detail,
    keptReasons,
    final,
  };
}

describe("worktree machine (random step outcomes x interrupts at any state)", () => {
  it("always ends in one final state; setup steps run in order; ready only when every stage passed; kept never removed", async () => {
    await fc.assert(
      fc.asyncProperty(scenarioArb, async (c) => {
        const ran: string[] = [];
        /** What each invoked actor was asked, and the id it was invoked as. */
        const asked: { id: string; input: { name: string; index: number } }[] = [];
        let calls = 0;
        let actorRef: { send(e: { type: "CANCEL" }): void } | undefined;
        const maybeCancel = () => {
          if (c.cancelAt !== undefined && calls++ === c.cancelAt) actorRef?.send({ type: "CANCEL" });
        };
        const act = <T>(kind: string, value: (input: { index: number }) => T) =>
          fromPromise<T, { name: string; index: number }>(async ({ input, self }) => {
            ran.push(kind === "step" ? `step${input.index}` : kind);
            asked.push({ id: self.id, input });
            maybeCancel();
            await tick();
            if (c.throwIn === kind)
              throw c.groveError
                ? new WorktreeError("E_TEST", `${kind} crashed`)
                : new Error(`${kind} crashed`);
            return value(input);
          });
        const machine = createWorktreeMachine(c.steps.map((_, i) => `s${i}`)).provide({
          actors: {
            leaseWorktree: act<LeaseOutput>("lease", () => ({ kind: c.lease, detail: "lease said no" })),
            verifyWorktree: act<VerifyOutput>("verify", () => ({
              state: c.verdict,
              create: c.verdict === "worktree-missing" || (c.verdict === "not-set-up" && c.halfCreated),
              // Readiness reports a changed setup definition with any verdict (unmerged files too):
              // only a ready worktree is set up again for it.
              setupChanged: c.setupChanged,
              ...(c.verdictDetail ? { detail: "verify said so" } : {}),
            })),
            createWorktree: act<StepOutput>("create", () => ({ ok: c.createOk, detail: "create said no" })),
            runSetupStep: act<StepOutput>("step", ({ index }) => ({
              ok: c.steps[index]!,
              detail: "step said no",
            })),
            runChecks: act<StepOutput>("checks", () => ({ ok: c.checksOk, detail: "checks said no" })),
            pullCoordinator: act<PullOutput>("pull", () => ({
              kind: c.pullKind,
              detail: "pull said no",
            })),
            cleanupWorktree: act<CleanupOutput>("cleanup", () => ({
              kind: c.cleanupKind,
              reasons: c.cleanupKind === "kept" ? ["1 modified"] : [],
            })),
          },
        });
        const actor = createActor(machine, { input: { name: c.name, canSetup: c.canSetup, pull: c.pull } });
        actorRef = actor;
        const visited: string[] = [];
        actor.subscribe((s) => visited.push(String(s.value)));
        actor.start();
        // Wait until it rests in ready or failed, then end it.
        await reaches(actor, (v) => v === "ready" || v === "failed");
        const restedIn = String(actor.getSnapshot().value);
        const restedWith = actor.getSnapshot().context;
        const callsBeforeRest = calls;
        const ranBeforeRest = ran.length;
        actor.send({ type: c.cleanup ? "CLEANUP" : "RELEASE" });
        await reaches(actor, () => actor.getSnapshot().status === "done");
        const final = String(actor.getSnapshot().value);

        // Exactly as the oracle says: the actors called, where it rested and why, how it ended. In
        // particular the pull ran whenever it was asked and the worktree reached ready.
        const expected = expectedWorktree(c);
        expect(ran).toEqual(expected.calls);
        // Each actor is asked about this worktree (a setup step by its index), under its state's id.
        expect(asked).toEqual(
          expected.calls.map((call) => {
            const { id, index } = invocation(call);
            return { id, input: { name: c.name, index } };
          }),
        );
        expect(restedIn).toBe(expected.rest);
        expect(actor.getSnapshot().context.failure).toBe(expected.failure);
        // What the worktree list and the report say about it.
        expect(restedWith.detail).toBe(expected.detail);
        expect(actor.getSnapshot().context.keptReasons).toEqual(expected.keptReasons);
        expect(final).toBe(expected.final);
        // Ready with the pull asked: the pull ran, last before it rested, and said up to date or updated.
        if (restedIn === "ready" && c.pull) {
          expect(ran[ranBeforeRest - 1]).toBe("pull");
          expect(["up-to-date", "updated"]).toContain(c.pullKind);
        }

        expect(["removed", "kept", "released"]).toContain(final);
        // Setup steps run in order, each at most once, and stop at the first failure.
        const steps = ran.filter((r) => r.startsWith("step")).map((r) => Number(r.slice(4)));
        expect(steps).toEqual(steps.map((_, i) => i));
        const firstFail = c.steps.indexOf(false);
        if (firstFail >= 0) expect(steps.length).toBeLessThanOrEqual(firstFail + 1);
        if (restedIn === "ready") {
          expect(actor.getSnapshot().context.failure).toBeNull();
          expect(["not-a-worktree", "merge-conflict"]).not.toContain(c.verdict);
          if (c.verdict !== "ready") expect(c.canSetup).toBe(true);
          // An interrupt before it rested never ends in ready.
          expect(c.cancelAt === undefined || c.cancelAt >= callsBeforeRest).toBe(true);
          if (ran.includes("pull")) expect(["up-to-date", "updated"]).toContain(c.pullKind);
          if (ran.includes("checks")) expect(c.checksOk).toBe(true);
        } else {
          expect(actor.getSnapshot().context.failure).not.toBeNull();
        }
        // A foreign directory or a worktree with unmerged files is never created over or set up.
        if (c.verdict === "not-a-worktree" || c.verdict === "merge-conflict")
          expect(ran.filter((r) => r !== "lease" && r !== "verify" && r !== "cleanup")).toEqual([]);
        // Without the lease nothing touches the worktree.
        if (c.lease === "busy" || c.throwIn === "lease") expect(ran).toEqual(["lease"]);
        // Without --setup-worktrees nothing is created or set up.
        if (!c.canSetup) expect(ran.some((r) => r === "create" || r.startsWith("step"))).toBe(false);
        // Cleanup runs only when asked, and "kept" is never reported as removed.
        expect(ran.includes("cleanup")).toBe(c.cleanup && c.lease === "acquired" && c.throwIn !== "lease");
        const held = c.lease === "acquired" && c.throwIn !== "lease";
        if (held && c.cleanup && c.throwIn !== "cleanup" && c.cleanupKind === "kept")
          expect(final).toBe("kept");
        if (held && c.throwIn === "cleanup" && c.cleanup) expect(final).toBe("kept");
      }),
      // Cheap per case; with the bias above a mutation run's fifth (200 cases) still reaches the pull
      // with each of its outcomes several times.
      { numRuns: propertyRuns(1000) },
    );
  });
});
