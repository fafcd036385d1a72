import { describe, expect, it } from "vitest";
import type { Scenario } from "../../../src/config/types.js";
import { describePlanProblems } from "../../../src/plan/describe-problems.js";
import { type Plan, planScenarios } from "../../../src/plan/plan.js";
import { planHash } from "../../../src/plan/plan-hash.js";
import { renderDot, renderMermaid } from "../../../src/plan/render-graph.js";
import { isFiltered } from "../../../src/plan/select.js";
import { scenario } from "../../helpers/scenario-factory.js";

const planOf = (scenarios: Scenario[], timings?: Map<string, number>): Plan => {
  const r = planScenarios(scenarios, timings ? { timings } : {});
  if (!r.ok) throw new Error("not a plan");
  return r.plan;
};
const sample = () =>
  planOf([
    scenario("lex", [], { index: 0, worktree: "parser", description: 'splits "tokens"', timeout: 5 }),
    scenario("parse", ["lex"], { index: 1, worktree: "parser", timeout: 9 }),
    scenario('say "hi"', ["lex"], { index: 2, worktree: "cli", timeout: 1 }),
  ]);

describe("graph rendering", () => {
  it("dot: one cluster per worktree, the critical path drawn bold, every edge, names and tooltips quoted", () => {
    expect(renderDot(sample())).toBe(
      [
        "digraph grove {",
        "  rankdir=LR;",
        "  node [shape=box, style=rounded];",
        "  subgraph cluster_0 {",
        '    label="cli";',
        '    "say \\"hi\\"" [tooltip=""];',
        "  }",
        "  subgraph cluster_1 {",
        '    label="parser";',
        '    "lex" [tooltip="splits \\"tokens\\"", penwidth=2];',
        '    "parse" [tooltip="", penwidth=2];',
        "  }",
        '  "lex" -> "parse";',
        '  "lex" -> "say \\"hi\\"";',
        "}",
        "",
      ].join("\n"),
    );
  });

  it("escapes backslashes in dot", () => {
    expect(renderDot(planOf([scenario("a\\b", [], { worktree: "w" })]))).toContain('"a\\\\b" [tooltip=""');
  });

  it("mermaid: subgraphs per worktree, ids by plan order, quotes as #quot;", () => {
    expect(renderMermaid(sample())).toBe(
      [
        "flowchart LR",
        '  subgraph w0["cli"]',
        '    s2["say #quot;hi#quot;"]',
        "  end",
        '  subgraph w1["parser"]',
        '    s0["lex"]',
        '    s1["parse"]',
        "  end",
        "  s0 --> s1",
        "  s0 --> s2",
        "",
      ].join("\n"),
    );
  });
});

describe("plan hash", () => {
  const scenarios = [
    scenario("a", [], { index: 0, worktree: "w1" }),
    scenario("b", ["a"], { index: 1, worktree: "w2" }),
  ];
  it("is stable for the same plan, whatever the file order, and 16 hex digits", () => {
    const h = planHash(planOf(scenarios));
    expect(h).toMatch(/^[0-9a-f]{16}$/);
    expect(planHash(planOf(scenarios))).toBe(h);
    expect(planHash(planOf([...scenarios].reverse()))).toBe(h);
    expect(planHash(planOf(scenarios), { count: 1, splitWorktrees: false })).toBe(h);
  });
  it("does not depend on the run order or on the order dependencies are listed in", () => {
    // Equal priorities: the run order follows the file, so the two files plan in opposite orders.
    const a = scenario("a", [], { index: 0, timeout: 3 });
    const b = scenario("b", [], { index: 1, timeout: 3 });
    const c = scenario("c", [], { index: 2, timeout: 3 });
    const top = (deps: string[]) => scenario("top", deps, { index: 3, timeout: 1 });
    const one = planOf([a, b, c, top(["a", "b", "c"])]);
    const other = planOf([c, b, a, top(["c", "a", "b"])]);
    expect(other.scenarios.map((p) => p.name)).not.toEqual(one.scenarios.map((p) => p.name));
    expect(planHash(other)).toBe(planHash(one));
  });
  it("changes with a name, a worktree, a dependency, a recorded duration, the shard count or split", () => {
    const h = planHash(planOf(scenarios));
    const others = [
      planHash(planOf([scenarios[0]!, scenario("c", ["a"], { index: 1, worktree: "w2" })])),
      planHash(planOf([scenarios[0]!, scenario("b", ["a"], { index: 1, worktree: "w3" })])),
      planHash(planOf([scenarios[0]!, scenario("b", [], { index: 1, worktree: "w2" })])),
      planHash(planOf(scenarios, new Map([["a", 1.5]]))),
      planHash(planOf(scenarios), { count: 2, splitWorktrees: false }),
      planHash(planOf(scenarios), { count: 1, splitWorktrees: true }),
    ];
    for (const o of others) expect(o).not.toBe(h);
    expect(new Set(others).size).toBe(others.length);
  });
  it("changes with what a scenario runs: its test_file, run, env, or the pipeline's test command", () => {
    const h = planHash(planOf(scenarios), undefined, ["pytest", "{test_file}"]);
    const b = (extra: Partial<Scenario>) => scenario("b", ["a"], { index: 1, worktree: "w2", ...extra });
    const others = [
      planHash(planOf([scenarios[0]!, b({ testFile: "tests/other.py" })]), undefined, [
        "pytest",
        "{test_file}",
      ]),
      planHash(planOf([scenarios[0]!, b({ run: ["make", "check"] })]), undefined, ["pytest", "{test_file}"]),
      planHash(planOf([scenarios[0]!, b({ env: { MODE: "x" } })]), undefined, ["pytest", "{test_file}"]),
      planHash(planOf(scenarios), undefined, ["pytest", "-x", "{test_file}"]),
    ];
    for (const o of others) expect(o).not.toBe(h);
    expect(new Set(others).size).toBe(others.length);
    expect(planHash(planOf(scenarios), undefined, ["pytest", "{test_file}"])).toBe(h);
  });
});

describe("plan problems as located diagnostics", () => {
  const scenarios = [
    scenario("a", ["b"], { index: 0 }),
    scenario("b", ["x", "a"], { index: 1 }),
    scenario("c", ["lexx"], { index: 2 }),
  ];
  const locate = (path: readonly (string | number)[]) => ({
    file: "scenarios.json",
    path: `/${path.join("/")}`,
  });
  it("an unknown dependency names both, suggests a near name, and points at the entry", () => {
    const [withSuggestion, without] = describePlanProblems(
      [
        {
          kind: "unknown-dependency",
          scenario: "c",
          dependency: "lexx",
          suggestion: "lex",
          path: ["scenarios", 2, "dependencies", 0],
        } as never,
        {
          kind: "unknown-dependency",
          scenario: "b",
          dependency: "x",
          path: ["scenarios", 1, "dependencies", 0],
        } as never,
      ],
      scenarios,
      locate,
    );
    expect(withSuggestion).toEqual({
      location: { file: "scenarios.json", path: "/scenarios/2/dependencies/0" },
      message: 'scenario "c" depends on "lexx", which is not a scenario in this file; did you mean "lex"?',
      hint: 'change it to "lex"',
    });
    expect(without).toEqual({
      location: { file: "scenarios.json", path: "/scenarios/1/dependencies/0" },
      message: 'scenario "b" depends on "x", which is not a scenario in this file',
      hint: "remove the dependency or add a scenario with that name",
    });
  });
  it("a cycle is shown as its path and points at the first edge of it", () => {
    const [d] = describePlanProblems([{ kind: "cycle", path: ["b", "a", "b"] } as never], scenarios, locate);
    expect(d).toEqual({
      location: { file: "scenarios.json", path: "/scenarios/1/dependencies/1" },
      message: "dependency cycle: b -> a -> b (each scenario depends on the next)",
      hint: "remove one of these dependencies to break the cycle",
    });
  });
});

describe("isFiltered", () => {
  it("is true when any filter has an entry, false for none or empty ones", () => {
    expect(isFiltered({})).toBe(false);
    expect(isFiltered({ tags: [], worktrees: [], names: [] })).toBe(false);
    expect(isFiltered({ tags: ["t"] })).toBe(true);
    expect(isFiltered({ worktrees: ["w"] })).toBe(true);
    expect(isFiltered({ names: ["n"] })).toBe(true);
  });
});
