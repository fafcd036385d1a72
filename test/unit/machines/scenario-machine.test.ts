import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { createActor, fromPromise, toPromise } from "xstate";
import type { AttemptStatus, CommandResult } from "../../../src/events.js";
import { type CommandInput, createScenarioMachine } from "../../../src/machines/scenario-machine.js";
import { toScenarioResult } from "../../../src/machines/scenario-result.js";
import { createWorktreeMachine } from "../../../src/machines/worktree-machine.js";
import { commandResult } from "../../helpers/command-result.js";

type Script = (input: CommandInput) => CommandResult | Promise<CommandResult>;

/**
 * Runs one scenario machine to its end with scripted step and test actors, recording what each actor
 * was asked to do and when.
 */
async function runScenario(options: {
  before?: string[];
  after?: string[];
  retries?: number;
  timeoutMs?: number;
  retryOn?: ("failed" | "timed-out" | "errored")[];
  step: Script;
  test: Script;
  cancelWhen?: (input: CommandInput) => boolean;
}) {
  const asked: CommandInput[] = [];
  let actor: ReturnType<typeof createActor<ReturnType<typeof createScenarioMachine>>> | undefined;
  const wrap = (script: Script) =>
    fromPromise<CommandResult, CommandInput>(async ({ input }) => {
      asked.push(input);
      if (options.cancelWhen?.(input)) actor?.send({ type: "CANCEL" });
      return script(input);
    });
  const machine = createScenarioMachine({ before: options.before ?? [], after: options.after ?? [] }).provide(
    {
      actors: { runStep: wrap(options.step), runTest: wrap(options.test) },
    },
  );
  actor = createActor(machine, {
    input: {
      name: "s",
      worktree: "w",
      retries: options.retries ?? 0,
      timeoutMs: options.timeoutMs ?? 5_000,
      retryOn: options.retryOn ?? ["failed", "timed-out", "errored"],
    },
  });
  actor.start();
  actor.send({ type: "RUN" });
  actor.send({ type: "DEPENDENCIES_PASSED" });
  actor.send({ type: "START" });
  await toPromise(actor);
  const snapshot = actor.getSnapshot();
  return {
    asked,
    snapshot,
    result: toScenarioResult(snapshot.value, snapshot.context, { description: "d", tags: ["t"] }),
  };
}

/** Only Date is faked: a command "takes" time by moving the clock, so times and deadlines are exact. */
const T0 = Date.parse("2026-01-02T03:04:05.000Z");
const takes = (ms: number) => vi.setSystemTime(Date.now() + ms);

const named = (phase: CommandResult["phase"], status: AttemptStatus, name: string): CommandResult => ({
  ...commandResult(phase, status),
  name,
});

describe("scenario machine: each attempt's record, as the report shows it", () => {
  beforeEach(() => {
    vi.useFakeTimers({ toFake: ["Date"] });
    vi.setSystemTime(T0);
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it("keeps the test's result and the steps' results in order, numbered attempts, real times", async () => {
    let testRuns = 0;
    const { result } = await runScenario({
      before: ["prepare"],
      after: ["collect", "teardown"],
      retries: 1,
      step: (i) => named(i.phase, "passed", `${i.phase}-${i.index}-${i.attempt}`),
      test: async (i) => {
        testRuns++;
        takes(testRuns === 1 ? 1_500 : 250);
        return named("test", testRuns === 1 ? "failed" : "passed", `test-${i.attempt}`);
      },
    });
    expect(result.status).toBe("passed");
    expect(result.flaky).toBe(true);
    expect(result.attempts.map((a) => [a.attempt, a.status, a.reason])).toEqual([
      [1, "failed", "failed"],
      [2, "passed", "passed"],
    ]);
    for (const [k, a] of result.attempts.entries()) {
      const n = k + 1;
      expect(a.test?.name).toBe(`test-${n}`);
      expect(a.steps.map((s) => s.name)).toEqual([`before-0-${n}`, `after-0-${n}`, `after-1-${n}`]);
    }
    // Wall-clock times of each attempt, and its duration in seconds.
    expect(
      result.attempts.map((a) => [Date.parse(a.startedAt), Date.parse(a.endedAt), a.durationSeconds]),
    ).toEqual([
      [T0, T0 + 1_500, 1.5],
      [T0 + 1_500, T0 + 1_750, 0.25],
    ]);
  });

  it("an attempt whose before step failed has no test result, only the steps that ran", async () => {
    const { result, asked } = await runScenario({
      before: ["prepare", "seed"],
      after: ["collect"],
      step: (i) =>
        named(i.phase, i.phase === "before" && i.index === 0 ? "failed" : "passed", `${i.phase}${i.index}`),
      test: () => named("test", "passed", "test"),
    });
    expect(asked.map((a) => `${a.phase}${a.index}`)).toEqual(["before0", "after0"]);
    expect(result.status).toBe("errored");
    expect(result.reason).toBe("before-step-failed");
    expect(result.attempts[0]!.test).toBeUndefined();
    expect(result.attempts[0]!.steps.map((s) => s.name)).toEqual(["before0", "after0"]);
  });

  it("a before step that times out makes the attempt timed-out (not errored), named as the before step's failure", async () => {
    const { result } = await runScenario({
      before: ["prepare"],
      step: (i) => named(i.phase, "timed-out", "prepare"),
      test: () => named("test", "passed", "test"),
    });
    expect([result.status, result.reason]).toEqual(["timed-out", "before-step-failed"]);
  });

  it("gives every command of an attempt the same deadline, timeout milliseconds after the attempt began", async () => {
    const { asked } = await runScenario({
      before: ["prepare"],
      after: ["collect"],
      retries: 1,
      timeoutMs: 7_000,
      step: (i) => {
        takes(1_000);
        return named(i.phase, "passed", "step");
      },
      test: (i) => {
        takes(2_000);
        return named("test", i.attempt === 1 ? "failed" : "passed", "test");
      },
    });
    // Attempt 1 begins at T0; attempt 2 after its before step, test and after step took 4 s.
    expect(asked.filter((a) => a.phase !== "after").map((a) => [a.attempt, a.phase, a.deadline])).toEqual([
      [1, "before", T0 + 7_000],
      [1, "test", T0 + 7_000],
      [2, "before", T0 + 4_000 + 7_000],
      [2, "test", T0 + 4_000 + 7_000],
    ]);
  });

  it("gives after steps at least a minute, even when the attempt's deadline is nearer or past", async () => {
    const { asked } = await runScenario({
      after: ["collect"],
      timeoutMs: 10,
      step: (i) => named(i.phase, "passed", "collect"),
      test: () => {
        takes(30);
        return named("test", "timed-out", "test");
      },
    });
    const after = asked.find((a) => a.phase === "after")!;
    expect(after.deadline).toBe(T0 + 30 + 60_000);
  });

  it("gives after steps the attempt's deadline when it is further than a minute", async () => {
    const { asked } = await runScenario({
      after: ["collect"],
      timeoutMs: 3_600_000,
      step: (i) => named(i.phase, "passed", "collect"),
      test: () => named("test", "passed", "test"),
    });
    const test = asked.find((a) => a.phase === "test")!;
    const after = asked.find((a) => a.phase === "after")!;
    expect(after.deadline).toBe(test.deadline);
  });

  it("asks each command with the scenario's name, its phase, step index and attempt", async () => {
    const { asked } = await runScenario({
      before: ["a", "b"],
      after: ["c", "d"],
      step: (i) => named(i.phase, "passed", "x"),
      test: () => named("test", "passed", "t"),
    });
    expect(asked.map(({ scenario, phase, index, attempt }) => ({ scenario, phase, index, attempt }))).toEqual(
      [
        { scenario: "s", phase: "before", index: 0, attempt: 1 },
        { scenario: "s", phase: "before", index: 1, attempt: 1 },
        { scenario: "s", phase: "test", index: 0, attempt: 1 },
        { scenario: "s", phase: "after", index: 0, attempt: 1 },
        { scenario: "s", phase: "after", index: 1, attempt: 1 },
      ],
    );
  });

  it("an interrupt during a before step runs the after steps, then ends cancelled, never retried", async () => {
    const { asked, result } = await runScenario({
      before: ["prepare"],
      after: ["collect"],
      retries: 2,
      step: (i) => named(i.phase, i.phase === "before" ? "cancelled" : "passed", "x"),
      test: () => named("test", "passed", "t"),
      cancelWhen: (i) => i.phase === "before",
    });
    expect(asked.map((a) => a.phase)).toEqual(["before", "after"]);
    expect([result.status, result.reason, result.attempts.length]).toEqual(["cancelled", "cancelled", 1]);
    expect(result.attempts[0]!.status).toBe("cancelled");
  });

  it("an interrupt during the test still runs every after step and records the attempt as cancelled", async () => {
    const { asked, result } = await runScenario({
      after: ["collect", "teardown"],
      retries: 1,
      step: (i) => named(i.phase, "passed", "x"),
      test: () => named("test", "cancelled", "t"),
      cancelWhen: (i) => i.phase === "test",
    });
    expect(asked.map((a) => `${a.phase}${a.index}`)).toEqual(["test0", "after0", "after1"]);
    expect([result.status, result.attempts[0]!.status, result.attempts[0]!.reason]).toEqual([
      "cancelled",
      "cancelled",
      "cancelled",
    ]);
  });

  it("an interrupt during an after step lets the rest of the after steps run", async () => {
    const { asked, result } = await runScenario({
      after: ["collect", "teardown"],
      step: (i) => named(i.phase, "passed", "x"),
      test: () => named("test", "passed", "t"),
      cancelWhen: (i) => i.phase === "after" && i.index === 0,
    });
    expect(asked.map((a) => `${a.phase}${a.index}`)).toEqual(["test0", "after0", "after1"]);
    expect(result.status).toBe("cancelled");
  });
});

describe("machines whose actors were not provided", () => {
  it("a scenario ends errored, its reason naming the missing actor as a bug in Grove", async () => {
    const actor = createActor(createScenarioMachine({ before: ["prepare"], after: [] }), {
      input: { name: "s", worktree: "w", retries: 0, timeoutMs: 1_000, retryOn: [] },
    });
    actor.start();
    for (const type of ["RUN", "DEPENDENCIES_PASSED", "START"] as const) actor.send({ type });
    await toPromise(actor);
    const { value, context } = actor.getSnapshot();
    expect(value).toBe("errored");
    expect(context.attempts[0]!.reason).toMatch(
      /^internal-error: .*actor "runStep" was not provided to the scenario machine.*this is a bug in Grove/,
    );
  });

  it("a worktree fails its lease, naming the missing actor", async () => {
    const actor = createActor(createWorktreeMachine([]), {
      input: { name: "w", canSetup: false, pull: false },
    });
    actor.start();
    await new Promise<void>((resolve) => {
      const check = () => {
        if (actor.getSnapshot().value === "failed") resolve();
      };
      actor.subscribe(check);
      check();
    });
    const { failure, detail } = actor.getSnapshot().context;
    expect(failure).toBe("lease-failed");
    expect(detail).toMatch(/actor "leaseWorktree" was not provided to the worktree machine/);
    actor.stop();
  });
});
