import { describe, expect, it } from "vitest";
import { fromPromise, type InspectionEvent } from "xstate";
import type { AttemptStatus, CommandResult, ScenarioStatus, SkipCause } from "../../../src/events.js";
import type { CommandInput } from "../../../src/machines/scenario-machine.js";
import { type RunScenarioSpec, type StartRunOptions, startRun } from "../../../src/scheduler/start-run.js";
import { commandResult } from "../../helpers/command-result.js";

/**
 * What reporters are told through startRun's hooks, with test commands the test ends by hand (no
 * timers): each attempt once as it ends, the skip cause with the skipped status, the worker slot
 * before the scenario's first command, the peak concurrency, and the inspector's live actors.
 */

interface Spec {
  name: string;
  deps?: string[];
  worktree?: string;
  retries?: number;
  priority?: number;
}

function specs(list: Spec[]): RunScenarioSpec[] {
  return list.map((s) => ({
    input: {
      name: s.name,
      worktree: s.worktree ?? "w",
      retries: s.retries ?? 0,
      timeoutMs: 60_000,
      retryOn: ["failed"],
    },
    about: { description: `about ${s.name}`, tags: [] },
    schedule: {
      name: s.name,
      worktree: s.worktree ?? "w",
      dependencies: s.deps ?? [],
      dependents: list.filter((o) => o.deps?.includes(s.name)).map((o) => o.name),
      priority: s.priority ?? 0,
      unselectedDependencies: [],
    },
  }));
}

/** Test commands that stay running until the test ends them; `started()` waits for the next ones. */
function gate() {
  const pending = new Map<string, (r: CommandResult) => void>();
  const waiters: { count: number; resolve: () => void }[] = [];
  const log: string[] = [];
  const wake = () => {
    for (const w of [...waiters])
      if (pending.size >= w.count) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve();
      }
  };
  const actor = fromPromise<CommandResult, CommandInput>(
    ({ input }) =>
      new Promise((resolve) => {
        log.push(`${input.scenario}#${input.attempt}`);
        pending.set(input.scenario, resolve);
        wake();
      }),
  );
  return {
    actor,
    log,
    running: () => [...pending.keys()].sort(),
    /** Resolves once `count` commands are running. */
    started: (count: number) =>
      new Promise<void>((resolve) => {
        waiters.push({ count, resolve });
        wake();
      }),
    end(name: string, status: AttemptStatus) {
      const resolve = pending.get(name);
      if (!resolve) throw new Error(`${name} is not running`);
      pending.delete(name);
      resolve(commandResult("test", status));
    },
    /** What `abortAttempt` does with a real command: it ends, cancelled. */
    abort(name: string) {
      if (pending.has(name)) this.end(name, "cancelled");
    },
  };
}

function runWith(list: Spec[], workers: number, extra: Partial<StartRunOptions> = {}) {
  const g = gate();
  const statusCalls: [string, ScenarioStatus, SkipCause | undefined][] = [];
  const attempts: [string, AttemptStatus, number][] = [];
  const slots: [string, number, string[]][] = [];
  const handle = startRun({
    scenarios: specs(list),
    shape: { before: [], after: [] },
    ready: { workers, maxPerWorktree: workers, assumeDependenciesPassed: false, worktreesStartReady: true },
    actors: { runStep: g.actor, runTest: g.actor },
    abortAttempt: () => {},
    onStatus: (name, status, skip) => statusCalls.push([name, status, skip]),
    onAttemptFinished: (name, attempt) => attempts.push([name, attempt.status, attempt.attempt]),
    // What had run when the slot was given: the scenario's own command must not have started yet.
    onSlot: (name, slot) => slots.push([name, slot, [...g.log]]),
    ...extra,
  });
  return { g, handle, statusCalls, attempts, slots };
}

describe("startRun's reporter hooks", () => {
  it("report each attempt once, as it ends, retries included", async () => {
    const { g, handle, attempts, statusCalls } = runWith([{ name: "a", retries: 2 }, { name: "b" }], 2);
    await g.started(2);
    g.end("a", "failed");
    await g.started(2);
    expect(attempts).toEqual([["a", "failed", 1]]);
    g.end("b", "passed");
    g.end("a", "failed");
    await g.started(1);
    expect(attempts).toEqual([
      ["a", "failed", 1],
      ["b", "passed", 1],
      ["a", "failed", 2],
    ]);
    // A retrying scenario is still running: no status change is reported between its attempts.
    expect(statusCalls.filter(([n]) => n === "a").map(([, s]) => s)).toEqual([
      "waiting",
      "queued",
      "running",
    ]);
    expect(handle.statuses().get("a")).toBe("running");
    g.end("a", "passed");
    const results = await handle.finished;
    expect(attempts).toEqual([
      ["a", "failed", 1],
      ["b", "passed", 1],
      ["a", "failed", 2],
      ["a", "passed", 3],
    ]);
    expect(results.map((r) => [r.name, r.status, r.flaky, r.attempts.length])).toEqual([
      ["a", "passed", true, 3],
      ["b", "passed", false, 1],
    ]);
    expect(g.log).toEqual(["a#1", "b#1", "a#2", "a#3"]);
  });

  it("give the skip cause with the skipped status, and with no other", async () => {
    const { g, handle, statusCalls } = runWith(
      [{ name: "a" }, { name: "b", deps: ["a"] }, { name: "c", deps: ["b"] }, { name: "d" }],
      2,
    );
    await g.started(2);
    g.end("a", "failed");
    g.end("d", "passed");
    const results = await handle.finished;
    const skipped = statusCalls.filter(([, s]) => s === "skipped");
    expect(skipped.map(([n]) => n)).toEqual(["b", "c"]);
    for (const [name, , cause] of skipped) expect(cause).toEqual(results.find((r) => r.name === name)!.skip);
    expect(skipped[0]![2]).toEqual({
      reason: "dependency-failed",
      detail: 'dependency "a" failed',
      dependency: "a",
      rootCause: { scenario: "a", status: "failed" },
    });
    for (const [, status, cause] of statusCalls) if (status !== "skipped") expect(cause).toBeUndefined();
    // Every status change once per scenario, the final one last.
    expect(statusCalls.map(([n, s]) => `${n}:${s}`)).toEqual([
      "a:waiting",
      "b:waiting",
      "c:waiting",
      "d:waiting",
      "a:queued",
      "d:queued",
      "a:running",
      "d:running",
      "a:failed",
      "b:skipped",
      "c:skipped",
      "d:passed",
    ]);
  });

  it("hand out the lowest free slot before the scenario's first command, and count the peak", async () => {
    const { g, handle, slots } = runWith(
      [
        { name: "a", priority: 4 },
        { name: "b", priority: 3 },
        { name: "c", priority: 2 },
        { name: "d", priority: 1 },
        { name: "e", priority: 0 },
      ],
      3,
    );
    await g.started(3);
    expect(g.running()).toEqual(["a", "b", "c"]);
    expect(handle.maxConcurrency()).toBe(3);
    expect(Object.fromEntries(handle.statuses())).toEqual({
      a: "running",
      b: "running",
      c: "running",
      d: "queued",
      e: "queued",
    });
    // Slot 2 frees first, then slot 1: d gets 2, e gets 1 (the lowest free each time).
    g.end("b", "passed");
    await g.started(3);
    g.end("a", "passed");
    await g.started(3);
    expect(slots.map(([n, s, ran]) => [n, s, ran.includes(`${n}#1`)])).toEqual([
      ["a", 1, false],
      ["b", 2, false],
      ["c", 3, false],
      ["d", 2, false],
      ["e", 1, false],
    ]);
    for (const name of ["c", "d", "e"]) g.end(name, "passed");
    await handle.finished;
    expect(handle.maxConcurrency()).toBe(3);
  });

  it("the peak is what ran at once, not the number of workers", async () => {
    const { g, handle } = runWith([{ name: "a" }, { name: "b", deps: ["a"] }], 4);
    await g.started(1);
    expect(handle.maxConcurrency()).toBe(1);
    g.end("a", "passed");
    await g.started(1);
    g.end("b", "passed");
    await handle.finished;
    expect(handle.maxConcurrency()).toBe(1);
  });

  it("the inspector hears the run actor and each scenario that starts, live; resting ones only through onStep", async () => {
    const actors = new Set<string>();
    const stepped = new Set<string>();
    const { g, handle } = runWith([{ name: "a" }, { name: "b", deps: ["a"] }], 1, {
      inspect: (event: InspectionEvent, actor: string) => {
        if (event.type === "@xstate.snapshot") actors.add(actor);
      },
      onStep: (actor) => stepped.add(actor),
    });
    await g.started(1);
    g.end("a", "failed");
    const results = await handle.finished;
    expect(results.map((r) => r.status)).toEqual(["failed", "skipped"]);
    expect([...actors].sort()).toEqual(["a", "run"]);
    expect([...stepped].sort()).toEqual(["a", "b"]);
  });

  it("an action of a scenario's machine that throws rejects the run's result instead of hanging", async () => {
    const { g, handle } = runWith([{ name: "a" }], 1, {
      abortAttempt: () => {
        throw new Error("abort failed");
      },
    });
    await g.started(1);
    handle.interrupt();
    await expect(handle.finished).rejects.toThrow("abort failed");
  });

  const HOOKS = ["onStatus", "onSlot", "onAttemptFinished", "onFinished", "inspect", "onStep"] as const;
  it.each(HOOKS)(
    "%s throwing (on every call) stops the run and rejects finished with its first error",
    async (hook) => {
      let calls = 0;
      const thrower = () => {
        calls++;
        throw new Error(`${hook} failed, call ${calls}`);
      };
      let g: ReturnType<typeof gate> | undefined;
      const { g: made, handle } = runWith([{ name: "a" }, { name: "b", deps: ["a"] }], 1, {
        [hook]: thrower,
        abortAttempt: (name: string) => g?.abort(name),
      });
      g = made;
      // a may already have been cancelled by the time the test gets here; if not, it passes.
      if (g.running().includes("a")) g.end("a", "passed");
      await expect(handle.finished).rejects.toThrow(`${hook} failed, call 1`);
      expect(calls).toBeGreaterThanOrEqual(1);
      expect(g.running()).toEqual([]);
    },
  );
});
