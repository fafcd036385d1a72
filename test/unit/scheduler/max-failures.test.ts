import { describe, expect, it } from "vitest";
import { ReadySet, type SchedulerCommand } from "../../../src/scheduler/ready-set.js";

const independent = (n: number) =>
  Array.from({ length: n }, (_, i) => ({
    name: `s${i}`,
    worktree: `w${i % 2}`,
    dependencies: [],
    dependents: [],
    priority: n - i,
    unselectedDependencies: [],
  }));

const starts = (c: SchedulerCommand[]) => c.filter((x) => x.kind === "start").map((x) => x.name);
const skips = (c: SchedulerCommand[]) =>
  c.flatMap((x) => (x.kind === "skip" ? [[x.name, x.cause.reason] as const] : []));

describe("--max-failures in the ready set", () => {
  it("after N failures starts nothing new and skips what has not started, letting running ones finish", () => {
    const r = new ReadySet(independent(6), {
      workers: 2,
      maxPerWorktree: 1,
      assumeDependenciesPassed: false,
      worktreesStartReady: true,
      maxFailures: 2,
    });
    expect(starts(r.begin())).toEqual(["s0", "s1"]);
    const afterFirst = r.settle("s0", "failed");
    expect(starts(afterFirst)).toEqual(["s2"]);
    expect(skips(afterFirst)).toEqual([]);
    const afterSecond = r.settle("s1", "timed-out");
    expect(starts(afterSecond)).toEqual([]);
    expect(skips(afterSecond)).toEqual([
      ["s3", "max-failures"],
      ["s4", "max-failures"],
      ["s5", "max-failures"],
    ]);
    expect(r.done).toBe(false);
    expect(starts(r.settle("s2", "passed"))).toEqual([]);
    expect(r.done).toBe(true);
  });

  it("a dependent of the failure that stopped the run is skipped for its dependency, the rest for --max-failures", () => {
    const node = (name: string, dependencies: string[], dependents: string[], priority: number) => ({
      name,
      worktree: "w",
      dependencies,
      dependents,
      priority,
      unselectedDependencies: [],
    });
    const r = new ReadySet([node("a", [], ["b"], 3), node("b", ["a"], [], 2), node("c", [], [], 1)], {
      workers: 1,
      maxPerWorktree: 1,
      assumeDependenciesPassed: false,
      worktreesStartReady: true,
      maxFailures: 1,
    });
    expect(starts(r.begin())).toEqual(["a"]);
    expect(skips(r.settle("a", "failed"))).toEqual([
      ["b", "dependency-failed"],
      ["c", "max-failures"],
    ]);
    expect(r.done).toBe(true);
  });

  it("without the option, failures never stop the run", () => {
    const r = new ReadySet(independent(3), {
      workers: 1,
      maxPerWorktree: 1,
      assumeDependenciesPassed: false,
      worktreesStartReady: true,
    });
    r.begin();
    expect(starts(r.settle("s0", "failed"))).toEqual(["s1"]);
    expect(starts(r.settle("s1", "errored"))).toEqual(["s2"]);
  });
});
