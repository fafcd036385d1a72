import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { createActor, fromPromise, toPromise } from "xstate";
import {
  type CleanupOutput,
  createWorktreeMachine,
  type PullOutput,
  type StepOutput,
  type VerifyOutput,
} from "../../src/machines/worktree-machine.js";

const tick = () => new Promise<void>((r) => setImmediate(r));

const scenarioArb = fc.record({
  steps: fc.array(fc.boolean(), { maxLength: 4 }),
  presence: fc.constantFrom<VerifyOutput["presence"]>("missing", "ours", "foreign"),
  setupCurrent: fc.boolean(),
  canSetup: fc.boolean(),
  pull: fc.boolean(),
  createOk: fc.boolean(),
  checksOk: fc.boolean(),
  pullKind: fc.constantFrom<PullOutput["kind"]>("up-to-date", "updated", "conflict", "refused", "failed"),
  cleanupKind: fc.constantFrom<"removed" | "kept" | "not-ours">("removed", "kept", "not-ours"),
  cleanup: fc.boolean(),
  cancelAt: fc.option(fc.nat({ max: 8 }), { nil: undefined }),
  throwIn: fc.option(fc.constantFrom("verify", "create", "step", "checks", "pull", "cleanup"), {
    nil: undefined,
  }),
});

describe("worktree machine (random step outcomes x interrupts at any state)", () => {
  it("always ends in one final state; setup steps run in order; ready only when every stage passed; kept never removed", async () => {
    await fc.assert(
      fc.asyncProperty(scenarioArb, async (c) => {
        const ran: string[] = [];
        let calls = 0;
        let actorRef: { send(e: { type: "CANCEL" }): void } | undefined;
        const maybeCancel = () => {
          if (c.cancelAt !== undefined && calls++ === c.cancelAt) actorRef?.send({ type: "CANCEL" });
        };
        const act = <T>(kind: string, value: (input: { index: number }) => T) =>
          fromPromise<T, { name: string; index: number }>(async ({ input }) => {
            ran.push(kind === "step" ? `step${input.index}` : kind);
            maybeCancel();
            await tick();
            if (c.throwIn === kind) throw new Error(`${kind} crashed`);
            return value(input);
          });
        const machine = createWorktreeMachine(c.steps.map((_, i) => `s${i}`)).provide({
          actors: {
            verifyWorktree: act<VerifyOutput>("verify", () => ({
              presence: c.presence,
              setupCurrent: c.setupCurrent,
            })),
            createWorktree: act<StepOutput>("create", () => ({ ok: c.createOk, detail: "" })),
            runSetupStep: act<StepOutput>("step", ({ index }) => ({ ok: c.steps[index]!, detail: "" })),
            runChecks: act<StepOutput>("checks", () => ({ ok: c.checksOk, detail: "" })),
            pullCoordinator: act<PullOutput>("pull", () => ({ kind: c.pullKind, detail: "" })),
            cleanupWorktree: act<CleanupOutput>("cleanup", () => ({
              kind: c.cleanupKind,
              reasons: c.cleanupKind === "kept" ? ["1 modified"] : [],
            })),
          },
        });
        const actor = createActor(machine, { input: { name: "w", canSetup: c.canSetup, pull: c.pull } });
        actorRef = actor;
        const visited: string[] = [];
        actor.subscribe((s) => visited.push(String(s.value)));
        actor.start();
        // Wait until it rests in ready or failed, then end it.
        await new Promise<void>((resolve) => {
          const check = () => {
            const v = actor.getSnapshot().value;
            if (v === "ready" || v === "failed") resolve();
          };
          actor.subscribe(check);
          check();
        });
        const restedIn = String(actor.getSnapshot().value);
        const callsBeforeRest = calls;
        actor.send({ type: c.cleanup ? "CLEANUP" : "RELEASE" });
        await toPromise(actor);
        const final = String(actor.getSnapshot().value);

        expect(["removed", "kept", "released"]).toContain(final);
        // Setup steps run in order, each at most once, and stop at the first failure.
        const steps = ran.filter((r) => r.startsWith("step")).map((r) => Number(r.slice(4)));
        expect(steps).toEqual(steps.map((_, i) => i));
        const firstFail = c.steps.indexOf(false);
        if (firstFail >= 0) expect(steps.length).toBeLessThanOrEqual(firstFail + 1);
        if (restedIn === "ready") {
          expect(actor.getSnapshot().context.failure).toBeNull();
          expect(c.presence).not.toBe("foreign");
          // An interrupt before it rested never ends in ready.
          expect(c.cancelAt === undefined || c.cancelAt >= callsBeforeRest).toBe(true);
          if (ran.includes("pull")) expect(["up-to-date", "updated"]).toContain(c.pullKind);
          if (ran.includes("checks")) expect(c.checksOk).toBe(true);
        } else {
          expect(actor.getSnapshot().context.failure).not.toBeNull();
        }
        // A foreign directory is never created over, set up or cleaned.
        if (c.presence === "foreign")
          expect(ran.filter((r) => r !== "verify" && r !== "cleanup")).toEqual([]);
        // Without --setup-worktrees nothing is created or set up.
        if (!c.canSetup) expect(ran.some((r) => r === "create" || r.startsWith("step"))).toBe(false);
        // Cleanup runs only when asked, and "kept" is never reported as removed.
        expect(ran.includes("cleanup")).toBe(c.cleanup);
        if (c.cleanup && c.throwIn !== "cleanup" && c.cleanupKind === "kept") expect(final).toBe("kept");
        if (c.throwIn === "cleanup" && c.cleanup) expect(final).toBe("kept");
      }),
      { numRuns: 400 },
    );
  });
});
