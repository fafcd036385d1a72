import { describe, expect, it } from "vitest";
import { createActor, fromPromise, waitFor } from "xstate";
import {
  type CleanupOutput,
  createWorktreeMachine,
  type LeaseOutput,
  type PullOutput,
  type StepOutput,
  type VerifyOutput,
} from "../../../src/machines/worktree-machine.js";

type Kind = "lease" | "verify" | "create" | "step" | "checks" | "pull" | "cleanup";

interface Outputs {
  lease: LeaseOutput;
  verify: VerifyOutput;
  create: StepOutput;
  step: StepOutput;
  checks: StepOutput;
  pull: PullOutput;
  cleanup: CleanupOutput;
}

type Fake = <K extends Kind>(
  kind: K,
) => ReturnType<typeof fromPromise<Outputs[K], { name: string; index: number }>>;

/** Every actor of the worktree machine, each a fake of its kind. */
const fakeActors = (fake: Fake) => ({
  leaseWorktree: fake("lease"),
  verifyWorktree: fake("verify"),
  createWorktree: fake("create"),
  runSetupStep: fake("step"),
  runChecks: fake("checks"),
  pullCoordinator: fake("pull"),
  cleanupWorktree: fake("cleanup"),
});

/** What each actor says when it is not the one held: everything passes, the pull finds nothing new. */
const passing: Outputs = {
  lease: { kind: "acquired", detail: "acquired" },
  verify: { state: "ready", create: false, setupChanged: false },
  create: { ok: true, detail: "created" },
  step: { ok: true, detail: "set up" },
  checks: { ok: true, detail: "checked" },
  pull: { kind: "up-to-date", detail: "up-to-date" },
  cleanup: { kind: "removed" },
};

/**
 * A worktree machine whose `held` actor does not end until the test ends it (a controllable fake, as
 * wireit's test rig command): `started` resolves once that actor runs, `finish` gives its output. Every
 * other actor passes at once. `ran` lists the actors called, in order.
 */
function heldAt(
  held: Kind,
  options: { canSetup?: boolean; pull?: boolean; verdict?: VerifyOutput; steps?: string[] } = {},
) {
  const ran: Kind[] = [];
  let finish!: (output: unknown) => void;
  let started!: () => void;
  const startedPromise = new Promise<void>((resolve) => {
    started = resolve;
  });
  const outputs: Outputs = { ...passing, ...(options.verdict ? { verify: options.verdict } : {}) };
  const fake = <K extends Kind>(kind: K) =>
    fromPromise<Outputs[K], { name: string; index: number }>(async () => {
      ran.push(kind);
      if (kind !== held) return outputs[kind];
      return new Promise<Outputs[K]>((resolve) => {
        finish = (output) => resolve(output as Outputs[K]);
        started();
      });
    });
  const machine = createWorktreeMachine(options.steps ?? []).provide({
    actors: fakeActors(fake),
  });
  const actor = createActor(machine, {
    input: { name: "core", canSetup: options.canSetup ?? false, pull: options.pull ?? false },
  });
  actor.start();
  return {
    actor,
    ran,
    started: startedPromise,
    finish: (output: unknown) => finish(output),
    /** Resolves once the worktree rests (ready or failed) or has ended. */
    rests: () =>
      waitFor(actor, (s) => s.matches("ready") || s.matches("failed") || s.status === "done").then(() =>
        actor.getSnapshot(),
      ),
  };
}

/** Interrupts the run while `held` runs, then lets that actor end with `output`. */
async function interruptedDuring(held: Kind, output: unknown, options: Parameters<typeof heldAt>[1] = {}) {
  const w = heldAt(held, options);
  await w.started;
  w.actor.send({ type: "CANCEL" });
  w.finish(output);
  const rested = await w.rests();
  return { ...w, rested };
}

describe("worktree machine: an interrupt that lands while one actor runs", () => {
  // Each actor passes after the interrupt: the worktree still fails, as cancelled, and nothing after it runs.
  const cases: { held: Kind; ran: Kind[]; options: Parameters<typeof heldAt>[1] }[] = [
    { held: "lease", ran: ["lease"], options: { pull: true } },
    { held: "verify", ran: ["lease", "verify"], options: { pull: true } },
    {
      held: "create",
      ran: ["lease", "verify", "create"],
      options: { canSetup: true, verdict: { state: "worktree-missing", create: true, setupChanged: false } },
    },
    {
      held: "step",
      ran: ["lease", "verify", "step"],
      options: {
        canSetup: true,
        steps: ["install", "build"],
        verdict: { state: "not-set-up", create: false, setupChanged: false },
      },
    },
    {
      held: "checks",
      ran: ["lease", "verify", "checks"],
      options: {
        canSetup: true,
        pull: true,
        verdict: { state: "not-set-up", create: false, setupChanged: false },
      },
    },
    { held: "pull", ran: ["lease", "verify", "pull"], options: { pull: true } },
  ];
  for (const { held, ran, options } of cases) {
    it(`during ${held}: fails as cancelled, "interrupted", though ${held} passed; nothing after it runs`, async () => {
      const w = await interruptedDuring(held, passing[held], options);
      expect(w.rested.value).toBe("failed");
      expect([w.rested.context.failure, w.rested.context.detail]).toEqual(["cancelled", "interrupted"]);
      expect(w.ran).toEqual(ran);
      w.actor.stop();
    });
  }

  it("during verify, a verdict's own problem gives way to the interrupt", async () => {
    const w = await interruptedDuring("verify", {
      state: "not-a-worktree",
      create: false,
      setupChanged: false,
      detail: "a directory that is not a worktree",
    } satisfies VerifyOutput);
    expect([w.rested.context.failure, w.rested.context.detail]).toEqual(["cancelled", "interrupted"]);
    w.actor.stop();
  });

  it("during pull, a conflict gives way to the interrupt", async () => {
    const w = await interruptedDuring(
      "pull",
      { kind: "conflict", detail: "conflicts in a.txt" },
      { pull: true },
    );
    expect([w.rested.value, w.rested.context.failure, w.rested.context.detail]).toEqual([
      "failed",
      "cancelled",
      "interrupted",
    ]);
    w.actor.stop();
  });

  it("during lease, a lease that was had by then is this run's: cleaned when asked", async () => {
    const w = await interruptedDuring("lease", passing.lease);
    expect(w.rested.context.leased).toBe(true);
    w.actor.send({ type: "CLEANUP" });
    await waitFor(w.actor, (s) => s.status === "done");
    expect(w.actor.getSnapshot().value).toBe("removed");
    expect(w.ran).toEqual(["lease", "cleanup"]);
  });

  it("during lease, a busy lease is another run's: never cleaned, and still reported as interrupted", async () => {
    const w = await interruptedDuring("lease", {
      kind: "busy",
      detail: "held by run 7",
    } satisfies LeaseOutput);
    expect([
      w.rested.value,
      w.rested.context.failure,
      w.rested.context.detail,
      w.rested.context.leased,
    ]).toEqual(["failed", "cancelled", "interrupted", false]);
    w.actor.send({ type: "CLEANUP" });
    await waitFor(w.actor, (s) => s.status === "done");
    expect(w.actor.getSnapshot().value).toBe("released");
    expect(w.ran).toEqual(["lease"]);
  });

  it("without an interrupt the same held actor passing makes the worktree ready (the control case)", async () => {
    const w = heldAt("pull", { pull: true });
    await w.started;
    w.finish(passing.pull);
    const rested = await w.rests();
    expect([rested.value, rested.context.failure, rested.context.detail]).toEqual(["ready", null, ""]);
    expect(w.ran).toEqual(["lease", "verify", "pull"]);
    w.actor.stop();
  });
});

describe("worktree machine: an actor the executor did not provide", () => {
  // Every actor but one is provided (and passes); the missing one fails the worktree, naming itself.
  const actors = {
    leaseWorktree: "lease",
    verifyWorktree: "verify",
    createWorktree: "create",
    runSetupStep: "step",
    runChecks: "checks",
    pullCoordinator: "pull",
    cleanupWorktree: "cleanup",
  } as const;
  const failures: Record<Kind, string> = {
    lease: "lease-failed",
    verify: "verify-failed",
    create: "create-failed",
    step: "setup-failed",
    checks: "verify-failed",
    pull: "pull-failed",
    cleanup: "",
  };
  for (const [missing, kind] of Object.entries(actors)) {
    it(`${missing}: ${kind === "cleanup" ? "kept" : failures[kind]}, naming the actor as a bug in Grove`, async () => {
      // A missing worktree: created, set up, checked, pulled; cleaned afterwards. Every stage runs.
      const says = {
        ...passing,
        verify: { state: "worktree-missing", create: true, setupChanged: false },
      } as const;
      const provided = Object.fromEntries(
        Object.entries(actors)
          .filter(([name]) => name !== missing)
          .map(([name, k]) => [name, fromPromise(async () => says[k])]),
      );
      const run = createActor(createWorktreeMachine(["install"]).provide({ actors: provided }), {
        input: { name: "core", canSetup: true, pull: true },
      }).start();
      const rested = await waitFor(run, (s) => s.matches("ready") || s.matches("failed"));
      const message = new RegExp(
        `actor "${missing}" was not provided to the worktree machine.*this is a bug in Grove`,
      );
      if (kind === "cleanup") {
        expect(rested.value).toBe("ready");
        run.send({ type: "CLEANUP" });
        const done = await waitFor(run, (s) => s.status === "done");
        expect(done.value).toBe("kept");
        expect(done.context.keptReasons).toEqual([expect.stringMatching(/^cleanup failed: /)]);
        expect(done.context.keptReasons[0]).toMatch(message);
      } else {
        expect([rested.value, rested.context.failure]).toEqual(["failed", failures[kind]]);
        expect(rested.context.detail).toMatch(message);
        // A setup step's failure names the step, numbered from 1.
        if (kind === "step") expect(rested.context.detail).toMatch(/^setup step 1 "install": /);
      }
      run.stop();
    });
  }
});

describe("worktree machine: what a failed stage says", () => {
  /** Runs a worktree whose actors pass except as `says` overrides, to where it rests. */
  const run = async (says: Partial<Outputs>, steps: string[] = []) => {
    const outputs: Outputs = { ...passing, ...says };
    const fake = <K extends Kind>(kind: K) =>
      fromPromise<Outputs[K], { name: string; index: number }>(async () => outputs[kind]);
    const machine = createWorktreeMachine(steps).provide({
      actors: fakeActors(fake),
    });
    const actor = createActor(machine, { input: { name: "core", canSetup: true, pull: false } }).start();
    return { actor, rested: await waitFor(actor, (s) => s.matches("ready") || s.matches("failed")) };
  };

  it("a creation that fails: create-failed, with what the create step said", async () => {
    const { actor, rested } = await run({
      verify: { state: "worktree-missing", create: true, setupChanged: false },
      create: { ok: false, detail: "branch main is checked out elsewhere" },
    });
    expect([rested.value, rested.context.failure, rested.context.detail]).toEqual([
      "failed",
      "create-failed",
      "branch main is checked out elsewhere",
    ]);
    actor.stop();
  });

  it("kept by a cleanup that gives no reasons: kept, with no reasons listed", async () => {
    const { actor } = await run({ cleanup: { kind: "kept" } });
    actor.send({ type: "CLEANUP" });
    const done = await waitFor(actor, (s) => s.status === "done");
    expect([done.value, done.context.keptReasons]).toEqual(["kept", []]);
  });

  it("unmerged files whose setup definition also changed: never set up, the conflict is the failure", async () => {
    const { actor, rested } = await run(
      {
        verify: {
          state: "merge-conflict",
          create: false,
          setupChanged: true,
          detail: "unmerged files: a.txt",
        },
      },
      ["install"],
    );
    expect([rested.value, rested.context.failure, rested.context.detail]).toEqual([
      "failed",
      "merge-conflict",
      "unmerged files: a.txt",
    ]);
    actor.stop();
  });
});
