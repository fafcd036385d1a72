import { describe, expect, it } from "vitest";
import { createActor, fromPromise, waitFor } from "xstate";
import type { RetryableStatus } from "../../../src/config/types.js";
import type { AttemptStatus, CommandResult, SkipCause } from "../../../src/events.js";
import { type CommandInput, createScenarioMachine } from "../../../src/machines/scenario-machine.js";
import { toScenarioResult } from "../../../src/machines/scenario-result.js";
import { createWorktreeMachine } from "../../../src/machines/worktree-machine.js";
import { commandResult } from "../../helpers/command-result.js";

/** A command the machine started and the test ends: with a result, or by throwing. */
interface Running {
  input: CommandInput;
  finish(status: AttemptStatus): void;
  crash(error: Error): void;
}

/**
 * A scenario machine whose step and test actors wait for the test (a controllable fake, as wireit's
 * test rig command): `next()` resolves with the next command started, which the test then ends.
 * `aborted` counts the "abortAttempt" actions (the executor's process-group kill).
 */
function rig(
  options: { before?: string[]; after?: string[]; retries?: number; retryOn?: RetryableStatus[] } = {},
) {
  const started: Running[] = [];
  const waiting: ((r: Running) => void)[] = [];
  let aborted = 0;
  const command = fromPromise<CommandResult, CommandInput>(
    ({ input }) =>
      new Promise<CommandResult>((resolve, reject) => {
        const running: Running = {
          input,
          finish: (status) =>
            resolve({ ...commandResult(input.phase, status), name: `${input.phase}${input.index}` }),
          crash: reject,
        };
        const w = waiting.shift();
        if (w) w(running);
        else started.push(running);
      }),
  );
  const machine = createScenarioMachine({ before: options.before ?? [], after: options.after ?? [] }).provide(
    {
      actors: { runStep: command, runTest: command },
      actions: { abortAttempt: () => void aborted++ },
    },
  );
  const actor = createActor(machine, {
    input: {
      name: "lexer",
      worktree: "core",
      retries: options.retries ?? 0,
      timeoutMs: 60_000,
      retryOn: options.retryOn ?? ["failed", "timed-out", "errored"],
    },
  });
  actor.start();
  return {
    actor,
    aborted: () => aborted,
    /** Sends RUN, DEPENDENCIES_PASSED, START: what the scheduler sends a scenario it starts. */
    start() {
      for (const type of ["RUN", "DEPENDENCIES_PASSED", "START"] as const) actor.send({ type });
    },
    next: () =>
      new Promise<Running>((resolve) => {
        const r = started.shift();
        if (r) resolve(r);
        else waiting.push(resolve);
      }),
    /** Nothing else was started (call once the machine is done). */
    idle: () => started.length === 0,
    result: async () => {
      await waitFor(actor, (s) => s.status === "done");
      const { value, context } = actor.getSnapshot();
      return toScenarioResult(value, context, { description: "", tags: [] });
    },
  };
}

const phaseIndex = (r: Running) => `${r.input.phase}${r.input.index}`;

describe("scenario machine before it starts: pending, waiting, queued", () => {
  const to = {
    pending: [],
    waiting: ["RUN"],
    queued: ["RUN", "DEPENDENCIES_PASSED"],
  } as const;
  for (const [state, events] of Object.entries(to)) {
    it(`cancelled while ${state}: ends cancelled with no attempt, by what stopped the run`, async () => {
      // A shape of its own (see "own shape" below): this test compiles the transition it checks.
      const r = rig({ before: [`prepare-${state}`] });
      for (const type of events) r.actor.send({ type });
      expect(r.actor.getSnapshot().value).toBe(state);
      r.actor.send({ type: "CANCEL", cause: "an environment failure (EMFILE)" });
      const result = await r.result();
      expect([result.status, result.reason, result.detail]).toEqual([
        "cancelled",
        "cancelled",
        "cancelled by an environment failure (EMFILE)",
      ]);
      expect(result.attempts).toEqual([]);
      expect(r.actor.getSnapshot().context.cancelled).toBe(true);
      expect(r.idle()).toBe(true);
    });
  }

  it("cancelled by Ctrl-C (no cause) while waiting: cancelled by an interrupt", async () => {
    const r = rig();
    r.actor.send({ type: "RUN" });
    r.actor.send({ type: "CANCEL" });
    const result = await r.result();
    expect([result.status, result.detail]).toEqual(["cancelled", "cancelled by an interrupt"]);
  });

  const cause: SkipCause = {
    reason: "dependency-failed",
    detail: 'dependency "parser" failed',
    dependency: "parser",
  };
  for (const [state, events] of [
    ["waiting", ["RUN"]],
    ["queued", ["RUN", "DEPENDENCIES_PASSED"]],
  ] as const) {
    it(`skipped while ${state}: keeps the cause, runs nothing`, async () => {
      const r = rig();
      for (const type of events) r.actor.send({ type });
      r.actor.send({ type: "SKIP", cause });
      const result = await r.result();
      expect([result.status, result.reason, result.detail, result.skip]).toEqual([
        "skipped",
        "dependency-failed",
        cause.detail,
        cause,
      ]);
      expect(result.attempts).toEqual([]);
    });
  }

  it("a skip before the run starts is not taken: only a waiting or queued scenario is skipped", () => {
    const r = rig();
    r.actor.send({ type: "SKIP", cause });
    expect(r.actor.getSnapshot().value).toBe("pending");
    r.actor.send({ type: "RUN" });
    r.actor.send({ type: "START" });
    expect(r.actor.getSnapshot().value).toBe("waiting");
    r.actor.stop();
  });
});

// Own shape: compiled machines are shared per pipeline shape, and Stryker's per-test coverage counts
// the compiled configuration (its transitions and actions) only for the test that compiled it; a
// test that checks one compiled transition uses step names no other test in this file uses.
describe("scenario machine: an interrupt while a command runs", () => {
  it("during an after step of a passing test: cancelled, and the rest of the after steps run", async () => {
    const r = rig({ after: ["own-shape-collect", "own-shape-teardown"] });
    r.start();
    (await r.next()).finish("passed");
    const first = await r.next();
    r.actor.send({ type: "CANCEL", cause: "--max-failures" });
    first.finish("passed");
    const second = await r.next();
    expect(phaseIndex(second)).toBe("after1");
    second.finish("passed");
    const result = await r.result();
    expect([result.status, result.detail, result.attempts[0]!.status]).toEqual([
      "cancelled",
      "cancelled by --max-failures",
      "cancelled",
    ]);
  });

  it("during a before step that then passes: the test never runs, the after steps do, cancelled", async () => {
    const r = rig({ before: ["prepare", "seed"], after: ["collect"], retries: 2 });
    r.start();
    const before = await r.next();
    r.actor.send({ type: "CANCEL" });
    before.finish("passed");
    const after = await r.next();
    expect(phaseIndex(after)).toBe("after0");
    after.finish("passed");
    const result = await r.result();
    expect([result.status, result.reason, result.attempts.length]).toEqual(["cancelled", "cancelled", 1]);
    expect(result.attempts[0]!.steps.map((s) => s.name)).toEqual(["before0", "after0"]);
    expect(r.idle()).toBe(true);
  });

  it("asks the running command to end (abortAttempt) in before steps and the test, never in after steps", async () => {
    const inBefore = rig({ before: ["prepare"], after: ["collect"] });
    inBefore.start();
    const before = await inBefore.next();
    inBefore.actor.send({ type: "CANCEL" });
    expect(inBefore.aborted()).toBe(1);
    before.finish("cancelled");
    (await inBefore.next()).finish("passed");
    await inBefore.result();

    const inTest = rig({ after: ["collect"] });
    inTest.start();
    const test = await inTest.next();
    inTest.actor.send({ type: "CANCEL" });
    expect(inTest.aborted()).toBe(1);
    test.finish("cancelled");
    const after = await inTest.next();
    inTest.actor.send({ type: "CANCEL" });
    expect(inTest.aborted()).toBe(1);
    after.finish("passed");
    expect((await inTest.result()).status).toBe("cancelled");
  });

  it("the first cause that stopped the run is the one reported", async () => {
    const r = rig({ after: ["collect"] });
    r.start();
    const test = await r.next();
    r.actor.send({ type: "CANCEL", cause: "an environment failure (EMFILE)" });
    r.actor.send({ type: "CANCEL", cause: "--max-failures" });
    test.finish("cancelled");
    const after = await r.next();
    r.actor.send({ type: "CANCEL", cause: "a third" });
    after.finish("passed");
    const result = await r.result();
    expect(result.detail).toBe("cancelled by an environment failure (EMFILE)");
    expect(result.attempts[0]!.status).toBe("cancelled");
  });

  it("during the test that then passes: still cancelled (an interrupt wins over a pass), not retried", async () => {
    const r = rig({ retries: 1 });
    r.start();
    const test = await r.next();
    r.actor.send({ type: "CANCEL" });
    test.finish("passed");
    const result = await r.result();
    expect([result.status, result.attempts.map((a) => a.status)]).toEqual(["cancelled", ["cancelled"]]);
    expect(r.idle()).toBe(true);
  });
});

describe("scenario machine: actors that throw", () => {
  it("a throwing before step: errored with the error, the test skipped, the after steps run", async () => {
    const r = rig({ before: ["prepare"], after: ["collect"] });
    r.start();
    (await r.next()).crash(new Error("spawn EMFILE"));
    const after = await r.next();
    expect(phaseIndex(after)).toBe("after0");
    after.finish("passed");
    const result = await r.result();
    expect([result.status, result.reason]).toEqual(["errored", "internal-error: Error: spawn EMFILE"]);
    expect(result.attempts[0]!.test).toBeUndefined();
  });

  it("a throwing test: errored with the error, the after steps run", async () => {
    const r = rig({ after: ["collect"] });
    r.start();
    (await r.next()).crash(new Error("boom"));
    (await r.next()).finish("passed");
    const result = await r.result();
    expect([result.status, result.reason]).toEqual(["errored", "internal-error: Error: boom"]);
  });

  it("a throwing after step turns a pass into errored, naming the error", async () => {
    const r = rig({ after: ["own-shape-archive"] });
    r.start();
    (await r.next()).finish("passed");
    (await r.next()).crash(new Error("disk full"));
    const result = await r.result();
    expect([result.status, result.reason]).toEqual(["errored", "internal-error: Error: disk full"]);
    expect(result.attempts[0]!.status).toBe("errored");
  });

  it("a throwing after step keeps a failure a failure (and its reason)", async () => {
    const r = rig({ after: ["collect", "teardown"] });
    r.start();
    (await r.next()).finish("failed");
    (await r.next()).crash(new Error("boom"));
    const last = await r.next();
    expect(phaseIndex(last)).toBe("after1");
    last.finish("passed");
    const result = await r.result();
    expect([result.status, result.reason]).toEqual(["failed", "failed"]);
  });

  it("a failing after step after a failed test keeps the test's failure", async () => {
    const r = rig({ after: ["collect"] });
    r.start();
    (await r.next()).finish("timed-out");
    (await r.next()).finish("failed");
    const result = await r.result();
    expect([result.status, result.reason]).toEqual(["timed-out", "timed-out"]);
  });
});

describe("scenario machine: a test actor the executor did not provide", () => {
  it("ends errored, its reason naming runTest as a bug in Grove; the after steps still run", async () => {
    const ran: string[] = [];
    const step = fromPromise<CommandResult, CommandInput>(async ({ input }) => {
      ran.push(`${input.phase}${input.index}`);
      return commandResult(input.phase, "passed");
    });
    const machine = createScenarioMachine({ before: ["prepare"], after: ["collect"] }).provide({
      actors: { runStep: step },
    });
    const actor = createActor(machine, {
      input: { name: "s", worktree: "w", retries: 0, timeoutMs: 1_000, retryOn: [] },
    }).start();
    for (const type of ["RUN", "DEPENDENCIES_PASSED", "START"] as const) actor.send({ type });
    const { value, context } = await waitFor(actor, (s) => s.status === "done");
    expect(value).toBe("errored");
    expect(context.attempts[0]!.reason).toMatch(
      /^internal-error: .*actor "runTest" was not provided to the scenario machine.*this is a bug in Grove/,
    );
    expect(ran).toEqual(["before0", "after0"]);
  });
});

describe("scenario machine: settle (pass, retry or end)", () => {
  // Each row: retries, retry_on, the test's status per attempt -> the attempts made and the end.
  const rows: { retries: number; retryOn: RetryableStatus[]; statuses: AttemptStatus[]; end: string }[] = [
    { retries: 2, retryOn: ["failed"], statuses: ["failed", "failed", "failed"], end: "failed" },
    { retries: 2, retryOn: ["failed"], statuses: ["failed", "passed"], end: "passed" },
    { retries: 1, retryOn: ["failed"], statuses: ["timed-out"], end: "timed-out" },
    { retries: 1, retryOn: ["timed-out"], statuses: ["timed-out", "errored"], end: "errored" },
    { retries: 1, retryOn: ["errored"], statuses: ["errored", "timed-out"], end: "timed-out" },
    { retries: 0, retryOn: ["failed", "timed-out", "errored"], statuses: ["failed"], end: "failed" },
    { retries: 3, retryOn: [], statuses: ["errored"], end: "errored" },
    // A command that says "cancelled" without an interrupt is not retried, and ends the scenario errored.
    { retries: 2, retryOn: ["failed", "timed-out", "errored"], statuses: ["cancelled"], end: "errored" },
  ];
  for (const { retries, retryOn, statuses, end } of rows) {
    it(`retries ${retries}, retry_on [${retryOn.join(", ")}]: ${statuses.join(" -> ")} ends ${end}`, async () => {
      const r = rig({ retries, retryOn });
      r.start();
      for (const [k, status] of statuses.entries()) {
        const test = await r.next();
        expect(test.input.attempt).toBe(k + 1);
        test.finish(status);
      }
      const result = await r.result();
      expect(result.status).toBe(end);
      expect(result.attempts.map((a) => a.status)).toEqual(statuses);
      expect(r.idle()).toBe(true);
    });
  }
});

describe("compiled machines are shared", () => {
  it("one scenario machine per pipeline shape, one worktree machine per list of setup steps", () => {
    const shape = { before: ["prepare"], after: ["collect"] };
    expect(createScenarioMachine({ ...shape })).toBe(createScenarioMachine({ ...shape }));
    expect(createScenarioMachine(shape)).not.toBe(createScenarioMachine({ before: [], after: ["collect"] }));
    expect(createScenarioMachine(shape)).not.toBe(createScenarioMachine({ before: ["prepare"], after: [] }));
    expect(createWorktreeMachine(["install"])).toBe(createWorktreeMachine(["install"]));
    expect(createWorktreeMachine(["install"])).not.toBe(createWorktreeMachine(["build"]));
  });
});
