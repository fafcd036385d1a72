import { describe, expect, it } from "vitest";
import { fromPromise } from "xstate";
import type { CommandResult } from "../../../src/events.js";
import type { CommandInput } from "../../../src/machines/scenario-machine.js";
import { type RunScenarioSpec, startRun } from "../../../src/scheduler/start-run.js";
import { commandResult } from "../../helpers/command-result.js";

const spec = (name: string, dependencies: string[], dependents: string[]): RunScenarioSpec => ({
  input: { name, worktree: "w", retries: 0, timeoutMs: 60_000, retryOn: [] },
  about: { description: "", tags: [] },
  schedule: { name, worktree: "w", dependencies, dependents, priority: 0, unselectedDependencies: [] },
});

const passing = fromPromise<CommandResult, CommandInput>(async () => commandResult("test", "passed"));

/** a, then b (which needs a), in one worktree, one worker; every command is `actor` (default: passes). */
function run(actor = passing) {
  const steps: string[] = [];
  const statuses: string[] = [];
  const handle = startRun({
    scenarios: [spec("a", [], ["b"]), spec("b", ["a"], [])],
    shape: { before: [], after: [] },
    ready: { workers: 1, maxPerWorktree: 1, assumeDependenciesPassed: false, worktreesStartReady: false },
    actors: { runStep: actor, runTest: actor },
    abortAttempt: () => {},
    onStep: (actor, event, value) => steps.push(`${actor}:${event}->${String(value)}`),
    onStatus: (name, status) => statuses.push(`${name}:${status}`),
  });
  return { handle, steps, statuses };
}

describe("startRun: the statechart owns each scenario's status", () => {
  it("steps resting scenarios through their machines as the scheduler decides", () => {
    const { handle, steps, statuses } = run();
    // The worktree is not ready: a (no dependencies) is queued, b waits for a.
    expect(Object.fromEntries(handle.statuses())).toEqual({ a: "queued", b: "waiting" });
    expect(steps).toEqual([
      "a:xstate.init->pending",
      "a:RUN->waiting",
      "b:xstate.init->pending",
      "b:RUN->waiting",
      "a:DEPENDENCIES_PASSED->queued",
    ]);
    expect(statuses).toEqual(["a:waiting", "b:waiting", "a:queued"]);
  });

  it("a failed worktree skips both through the machines' SKIP events, each reported once", async () => {
    const { handle, steps, statuses } = run();
    handle.worktreeFailed("w", { reason: "worktree-missing", detail: "no worktree w" });
    const results = await handle.finished;
    expect(results.map((r) => [r.name, r.status, r.reason])).toEqual([
      ["a", "skipped", "worktree-missing"],
      ["b", "skipped", "dependency-failed"],
    ]);
    expect(steps.slice(5)).toEqual(["a:SKIP->skipped", "b:SKIP->skipped"]);
    expect(statuses.slice(3)).toEqual(["a:skipped", "b:skipped"]);
    expect(Object.fromEntries(handle.statuses())).toEqual({ a: "skipped", b: "skipped" });
  });

  it("a started scenario becomes a live actor from its snapshot and runs to its result", async () => {
    const { handle, statuses } = run();
    handle.worktreeReady("w");
    const results = await handle.finished;
    expect(results.map((r) => r.status)).toEqual(["passed", "passed"]);
    expect(statuses).toEqual([
      "a:waiting",
      "b:waiting",
      "a:queued",
      "a:running",
      "a:passed",
      "b:queued",
      "b:running",
      "b:passed",
    ]);
  });

  it("an interrupt's cause names what cancelled each scenario, running or resting; a later interrupt keeps it", async () => {
    let release: (r: CommandResult) => void = () => {};
    let started: () => void = () => {};
    const running = new Promise<void>((resolve) => {
      started = resolve;
    });
    const gated = fromPromise<CommandResult, CommandInput>(
      () =>
        new Promise((resolve) => {
          release = resolve;
          started();
        }),
    );
    const { handle } = run(gated);
    handle.worktreeReady("w");
    await running;
    handle.interrupt("an environment failure (EMFILE)");
    handle.interrupt();
    release(commandResult("test", "passed"));
    const results = await handle.finished;
    expect(results.map((r) => [r.name, r.status, r.detail])).toEqual([
      ["a", "cancelled", "cancelled by an environment failure (EMFILE)"],
      ["b", "cancelled", "cancelled by an environment failure (EMFILE)"],
    ]);
  });

  it("an interrupt without a cause (Ctrl-C) says so", async () => {
    const { handle } = run();
    handle.interrupt();
    const results = await handle.finished;
    expect(results.map((r) => r.detail)).toEqual(["cancelled by an interrupt", "cancelled by an interrupt"]);
  });
});

describe("startRun: a hook that throws", () => {
  it("stops the run as an interrupt does (the running command asked to end) and rejects finished with the error", async () => {
    let release: (r: CommandResult) => void = () => {};
    const gated = fromPromise<CommandResult, CommandInput>(
      () =>
        new Promise((resolve) => {
          release = resolve;
        }),
    );
    const aborted: string[] = [];
    const finished: string[] = [];
    const bug = new Error("a reporter's bug");
    const handle = startRun({
      scenarios: [spec("a", [], ["b"]), spec("b", ["a"], [])],
      shape: { before: [], after: [] },
      ready: { workers: 1, maxPerWorktree: 1, assumeDependenciesPassed: false, worktreesStartReady: false },
      actors: { runStep: gated, runTest: gated },
      abortAttempt: (name) => {
        aborted.push(name);
        release(commandResult("test", "failed"));
      },
      onSlot: () => {
        throw bug;
      },
      onFinished: (result) => finished.push(`${result.name}:${result.status}:${result.detail}`),
    });
    handle.worktreeReady("w");
    await expect(handle.finished).rejects.toBe(bug);
    expect(aborted).toEqual(["a"]);
    // b, resting, is cancelled at once; a when its command has ended.
    expect(finished).toEqual([
      "b:cancelled:cancelled by an error in Grove's reporting",
      "a:cancelled:cancelled by an error in Grove's reporting",
    ]);
  });

  it("thrown by the last hook of the run still rejects finished, once", async () => {
    const bug = new Error("a reporter's bug");
    const handle = startRun({
      scenarios: [spec("a", [], [])],
      shape: { before: [], after: [] },
      ready: { workers: 1, maxPerWorktree: 1, assumeDependenciesPassed: false, worktreesStartReady: true },
      actors: { runStep: passing, runTest: passing },
      abortAttempt: () => {},
      onFinished: () => {
        throw bug;
      },
    });
    await expect(handle.finished).rejects.toBe(bug);
  });
});
