import { describe, expect, it } from "vitest";
import { loadScenariosFile } from "../../../src/config/load-scenarios.js";
import { describePlanProblems } from "../../../src/plan/describe-problems.js";
import { emptyPlan, pipelinePlanDefaults, planScenarios } from "../../../src/plan/plan.js";
import { renderDot, renderMermaid } from "../../../src/plan/render-graph.js";
import { REFERENCE_SCENARIOS } from "../../helpers/paths.js";
import { scenario } from "../../helpers/scenario-factory.js";

const names = (r: ReturnType<typeof planScenarios>) =>
  r.ok ? r.plan.scenarios.map((p) => p.name) : r.problems;

describe("planScenarios", () => {
  it("reports an unknown dependency with the nearest name, separately from cycles", () => {
    const r = planScenarios([scenario("parser"), scenario("cli", ["parsre"])]);
    expect(r.ok).toBe(false);
    if (!r.ok)
      expect(r.problems).toEqual([
        {
          kind: "unknown-dependency",
          scenario: "cli",
          dependency: "parsre",
          suggestion: "parser",
          path: ["scenarios", 0, "dependencies", 0],
        },
      ]);
  });

  it("never suggests the scenario itself for its unknown dependency (that would be a cycle)", () => {
    const r = planScenarios([scenario("a", ["bb"]), scenario("parser")]);
    expect(r.ok ? [] : r.problems).toEqual([
      {
        kind: "unknown-dependency",
        scenario: "a",
        dependency: "bb",
        path: ["scenarios", 0, "dependencies", 0],
      },
    ]);
  });

  it("reports a cycle with its exact path", () => {
    const r = planScenarios([
      scenario("a", ["b"]),
      scenario("b", ["c"]),
      scenario("c", ["a"]),
      scenario("d", ["a"]),
    ]);
    expect(r.ok ? [] : r.problems).toEqual([{ kind: "cycle", path: ["a", "b", "c", "a"] }]);
  });

  it("reports a self-dependency as a cycle", () => {
    const r = planScenarios([scenario("a", ["a"])]);
    expect(r.ok ? [] : r.problems).toEqual([{ kind: "cycle", path: ["a", "a"] }]);
  });

  it("orders the longest chain first", () => {
    const r = planScenarios([
      scenario("short", [], { timeout: 10 }),
      scenario("long1", [], { timeout: 10 }),
      scenario("long2", ["long1"], { timeout: 50 }),
    ]);
    expect(names(r)).toEqual(["long1", "long2", "short"]);
    if (r.ok) {
      expect(r.plan.criticalPath).toEqual(["long1", "long2"]);
      expect(r.plan.criticalPathSeconds).toBe(60);
    }
  });

  it("uses recorded durations over timeouts", () => {
    const r = planScenarios([scenario("a", [], { timeout: 100 }), scenario("b", [], { timeout: 10 })], {
      timings: new Map([["a", 1]]),
    });
    expect(names(r)).toEqual(["b", "a"]);
    if (r.ok) expect(r.plan.byName.get("a")!.expectedFrom).toBe("history");
  });

  it("pulls in dependencies of a filtered selection and marks them", () => {
    const r = planScenarios(
      [
        scenario("base"),
        scenario("mid", ["base"]),
        scenario("top", ["mid"], { tags: ["x"] }),
        scenario("other"),
      ],
      {
        filters: { tags: ["x"] },
      },
    );
    expect(names(r)).toEqual(["base", "mid", "top"]);
    if (r.ok) {
      expect(r.plan.scenarios.filter((p) => p.pulledIn).map((p) => p.name)).toEqual(["base", "mid"]);
      expect(r.plan.excluded).toBe(1);
    }
  });

  it("with --no-deps runs only the selection and lists what was left out", () => {
    const r = planScenarios([scenario("base"), scenario("top", ["base"], { tags: ["x"] })], {
      filters: { tags: ["x"] },
      withDependencies: false,
    });
    expect(names(r)).toEqual(["top"]);
    if (r.ok) expect(r.plan.byName.get("top")!.unselectedDependencies).toEqual(["base"]);
  });

  it("combines tag and worktree filters: any-of within, all-of across", () => {
    const r = planScenarios(
      [
        scenario("a", [], { tags: ["x"], worktree: "w1" }),
        scenario("b", [], { tags: ["y"], worktree: "w1" }),
        scenario("c", [], { tags: ["x"], worktree: "w2" }),
      ],
      { filters: { tags: ["x", "y"], worktrees: ["w1"] } },
    );
    expect(names(r)).toEqual(["a", "b"]);
  });

  it("applies the pipeline's default timeout and retries", () => {
    const r = planScenarios([scenario("a"), scenario("b", [], { timeout: 5, retryCount: 2 })], {
      defaultTimeout: 42,
      defaultRetries: 1,
    });
    if (!r.ok) throw new Error("plan failed");
    expect(r.plan.byName.get("a")).toMatchObject({ timeout: 42, retries: 1 });
    expect(r.plan.byName.get("b")).toMatchObject({ timeout: 5, retries: 2 });
  });

  it("plans the reference scenarios: 19 scenarios, each after its dependencies", () => {
    const loaded = loadScenariosFile(REFERENCE_SCENARIOS);
    const r = planScenarios(loaded.scenarios);
    if (!r.ok) throw new Error("plan failed");
    const order = r.plan.scenarios.map((p) => p.name);
    expect(order).toHaveLength(19);
    expect(order.indexOf("parquet_parallel_export")).toBeLessThan(
      order.indexOf("parquet_large_file_streaming"),
    );
    expect(r.plan.criticalPath).toEqual(["parquet_parallel_export", "parquet_large_file_streaming"]);
  });

  it("locates problems in the file", () => {
    const r = planScenarios([scenario("a", ["b"], { index: 0 }), scenario("b", ["a"], { index: 1 })]);
    if (r.ok) throw new Error("expected problems");
    const diags = describePlanProblems(
      r.problems,
      [scenario("a", ["b"], { index: 0 }), scenario("b", ["a"], { index: 1 })],
      (path) => ({ file: "s.json", path: path.join("/") }),
    );
    expect(diags[0]!.location.path).toBe("scenarios/0/dependencies/0");
    expect(diags[0]!.message).toBe("dependency cycle: a -> b -> a (each scenario depends on the next)");
  });

  it("renders dot and mermaid graphs with every edge", () => {
    const r = planScenarios([scenario("a"), scenario('b"q', ["a"])]);
    if (!r.ok) throw new Error("plan failed");
    expect(renderDot(r.plan)).toContain('"a" -> "b\\"q";');
    expect(renderMermaid(r.plan)).toContain("s0 --> s1");
  });

  it("takes the first of equally long chains for the critical path: the first root in plan order, the first dependent in the file", () => {
    const roots = planScenarios([
      scenario("x", [], { timeout: 5 }),
      scenario("y", [], { index: 1, timeout: 5 }),
    ]);
    if (!roots.ok) throw new Error("plan failed");
    expect(roots.plan.criticalPath).toEqual(["x"]);
    const fork = planScenarios([
      scenario("r", [], { timeout: 1 }),
      scenario("p", ["r"], { index: 1, timeout: 5 }),
      scenario("q", ["r"], { index: 2, timeout: 5 }),
    ]);
    if (!fork.ok) throw new Error("plan failed");
    expect([fork.plan.criticalPath, fork.plan.criticalPathSeconds]).toEqual([["r", "p"], 6]);
  });

  it("takes the pipeline's test timeout and retries as the defaults for scenarios that set none", () => {
    const defaults = pipelinePlanDefaults({ timeout: 42, retries: 2 });
    expect(defaults).toEqual({ defaultTimeout: 42, defaultRetries: 2 });
    const r = planScenarios([scenario("a")], defaults);
    if (!r.ok) throw new Error("plan failed");
    expect([r.plan.scenarios[0]!.timeout, r.plan.scenarios[0]!.retries]).toEqual([42, 2]);
  });

  it("an empty plan runs nothing, counts what it left out, and keeps the run's flags", () => {
    const r = planScenarios([scenario("a", [], { tags: ["x"] }), scenario("b", ["a"], { index: 1 })], {
      filters: { tags: ["x"] },
      assumeDependenciesPassed: true,
    });
    if (!r.ok) throw new Error("plan failed");
    const empty = emptyPlan(r.plan, 2);
    expect(empty).toEqual({
      scenarios: [],
      byName: new Map(),
      worktrees: [],
      criticalPath: [],
      criticalPathSeconds: 0,
      totalExpectedSeconds: 0,
      filtered: true,
      excluded: 2,
      assumeDependenciesPassed: true,
    });
  });
});
