import { describe, expect, it } from "vitest";
import { ReadySet, type ReadySetOptions, type SchedulerCommand } from "../../../src/scheduler/ready-set.js";

const node = (
  name: string,
  worktree: string,
  dependencies: string[],
  dependents: string[],
  priority = 0,
) => ({
  name,
  worktree,
  dependencies,
  dependents,
  priority,
  unselectedDependencies: [],
});

const options = (over: Partial<ReadySetOptions> = {}): ReadySetOptions => ({
  workers: 2,
  maxPerWorktree: 2,
  assumeDependenciesPassed: false,
  worktreesStartReady: false,
  ...over,
});

const brief = (commands: SchedulerCommand[]) =>
  commands.map((c) => (c.kind === "skip" ? `skip ${c.name} (${c.cause.reason})` : `${c.kind} ${c.name}`));

describe("the ready set's edges", () => {
  it("refuses fewer than one worker", () => {
    expect(() => new ReadySet([node("a", "w", [], [])], options({ workers: 0 }))).toThrow(
      new RangeError("workers must be at least 1"),
    );
  });

  it("a worktree reported ready after it failed stays failed: nothing of it starts", () => {
    const r = new ReadySet([node("a", "w", [], ["b"]), node("b", "w", ["a"], [])], options());
    expect(brief(r.begin())).toEqual(["queue a"]);
    expect(brief(r.worktreeFailed("w", { reason: "setup-failed", detail: "no" }))).toEqual([
      "skip a (setup-failed)",
      "skip b (dependency-failed)",
    ]);
    expect(r.worktreeReady("w")).toEqual([]);
    expect(r.done).toBe(true);
  });

  it("a failed worktree skips its scenarios still waiting for dependencies in another worktree", () => {
    const r = new ReadySet([node("a", "ok", [], ["b"]), node("b", "bad", ["a"], [])], options());
    r.begin();
    expect(brief(r.worktreeReady("ok"))).toEqual(["start a"]);
    expect(brief(r.worktreeFailed("bad", { reason: "setup-failed", detail: "no" }))).toEqual([
      "skip b (setup-failed)",
    ]);
    expect(r.settle("a", "passed")).toEqual([]);
    expect(r.done).toBe(true);
  });

  it("a second settle of the same scenario, or of a name it does not know, changes nothing", () => {
    const r = new ReadySet(
      [node("a", "w", [], []), node("b", "w", [], []), node("c", "w", [], [])],
      options({ workers: 1, worktreesStartReady: true, maxFailures: 2 }),
    );
    expect(brief(r.begin())).toEqual(["queue a", "queue b", "queue c", "start a"]);
    expect(brief(r.settle("a", "failed"))).toEqual(["start b"]);
    // Counted once: one failure so far, so --max-failures 2 has not stopped the run.
    expect(r.settle("a", "failed")).toEqual([]);
    expect(r.settle("nobody", "failed")).toEqual([]);
    expect(brief(r.settle("b", "passed"))).toEqual(["start c"]);
    expect(r.done).toBe(false);
    r.settle("c", "passed");
    expect(r.done).toBe(true);
  });

  it("an interrupt cancels what waits, is queued or runs, starts nothing after, and is done once the running end", () => {
    const r = new ReadySet(
      [node("a", "w", [], ["c"]), node("b", "w", [], []), node("c", "w", ["a"], [])],
      options({ workers: 1, worktreesStartReady: true }),
    );
    expect(brief(r.begin())).toEqual(["queue a", "queue b", "start a"]);
    expect(brief(r.interrupt())).toEqual(["cancel a", "cancel b", "cancel c"]);
    expect(r.done).toBe(false);
    expect(brief(r.settle("a", "passed"))).toEqual([]);
    expect(r.done).toBe(true);
  });

  it("keeps each worktree's limit and the workers' limit, and remembers the most that ran at once", () => {
    const r = new ReadySet(
      [
        node("a", "x", [], [], 3),
        node("b", "x", [], [], 2),
        node("c", "y", [], [], 1),
        node("d", "y", [], [], 0),
      ],
      options({ workers: 3, maxPerWorktree: 1, worktreesStartReady: true }),
    );
    expect(brief(r.begin()).filter((c) => c.startsWith("start"))).toEqual(["start a", "start c"]);
    expect(r.maxConcurrency).toBe(2);
    expect(brief(r.settle("a", "passed"))).toEqual(["start b"]);
    expect(brief(r.settle("c", "passed"))).toEqual(["start d"]);
    expect(r.maxConcurrency).toBe(2);
  });

  it("with --assume-deps-passed, a scenario whose dependency is not in the run starts like a root", () => {
    const outside = { ...node("a", "w", [], []), unselectedDependencies: ["lexer"] };
    const assumed = new ReadySet(
      [outside],
      options({ assumeDependenciesPassed: true, worktreesStartReady: true }),
    );
    expect(brief(assumed.begin())).toEqual(["queue a", "start a"]);
    const strict = new ReadySet([outside], options({ worktreesStartReady: true }));
    expect(brief(strict.begin())).toEqual(["skip a (dependency-not-selected)"]);
  });
});
