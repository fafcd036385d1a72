import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { buildGraph } from "../../src/plan/build-graph.js";
import { detectCycles } from "../../src/plan/detect-cycles.js";
import { planScenarios } from "../../src/plan/plan.js";
import { selectScenarios } from "../../src/plan/select.js";
import { propertyRuns } from "../helpers/property-runs.js";
import { dagScenarios, scenario } from "../helpers/scenario-factory.js";

/** Any directed graph (cycles allowed) over n nodes, as dependency lists. */
const anyGraph = fc.integer({ min: 1, max: 25 }).chain((n) =>
  fc.array(fc.uniqueArray(fc.integer({ min: 0, max: n - 1 }), { maxLength: 4 }), {
    minLength: n,
    maxLength: n,
  }),
);
/** Acyclic graphs: each node depends only on lower ones. */
const anyDag = fc.integer({ min: 1, max: 40 }).chain((n) =>
  fc.array(fc.uniqueArray(fc.integer({ min: 0, max: Math.max(0, n - 1) }), { maxLength: 4 }), {
    minLength: n,
    maxLength: n,
  }),
);

const toScenarios = (adj: number[][]) =>
  adj.map((deps, i) =>
    scenario(
      `s${i}`,
      deps.map((d) => `s${d}`),
      { index: i, timeout: (i % 7) + 1, tags: [`t${i % 3}`] },
    ),
  );

/** Independent oracle: a graph is acyclic iff repeatedly removing nodes without dependencies removes all. */
function hasCycle(adj: number[][]): boolean {
  const remaining = adj.map((d) => new Set(d));
  const done = new Set<number>();
  let progress = true;
  while (progress) {
    progress = false;
    remaining.forEach((deps, i) => {
      if (!done.has(i) && [...deps].every((d) => done.has(d))) {
        done.add(i);
        progress = true;
      }
    });
  }
  return done.size < adj.length;
}

describe("planner properties", () => {
  it("finds a cycle iff one exists, and every reported path is a real cycle", () => {
    fc.assert(
      fc.property(anyGraph, (adj) => {
        const { graph } = buildGraph(toScenarios(adj));
        const cycles = detectCycles(graph);
        expect(cycles.length > 0).toBe(hasCycle(adj));
        for (const c of cycles) {
          expect(c.path[0]).toBe(c.path[c.path.length - 1]);
          for (let k = 0; k + 1 < c.path.length; k++) {
            const from = Number(c.path[k]!.slice(1));
            const to = Number(c.path[k + 1]!.slice(1));
            expect(adj[from]).toContain(to);
          }
          expect(new Set(c.path.slice(0, -1)).size).toBe(c.path.length - 1);
        }
      }),
      { numRuns: propertyRuns(500) },
    );
  });

  it("orders every scenario after all of its dependencies", () => {
    fc.assert(
      fc.property(anyDag, (adj) => {
        const r = planScenarios(dagScenarios(adj));
        if (!r.ok) throw new Error("DAG reported as invalid");
        const position = new Map(r.plan.scenarios.map((p, i) => [p.name, i]));
        expect(position.size).toBe(adj.length);
        for (const p of r.plan.scenarios)
          for (const d of p.dependencies) expect(position.get(d)!).toBeLessThan(position.get(p.name)!);
      }),
      { numRuns: propertyRuns(300) },
    );
  });

  it("a scenario's priority is its own duration plus the largest priority among its dependents", () => {
    fc.assert(
      fc.property(anyDag, (adj) => {
        const r = planScenarios(toScenarios(adj.map((deps, i) => deps.filter((d) => d < i))));
        if (!r.ok) throw new Error("DAG reported as invalid");
        for (const p of r.plan.scenarios) {
          const below = Math.max(0, ...p.dependents.map((d) => r.plan.byName.get(d)!.priority));
          expect(p.priority).toBe(p.expectedSeconds + below);
        }
        expect(r.plan.criticalPathSeconds).toBe(Math.max(...r.plan.scenarios.map((p) => p.priority)));
      }),
      { numRuns: propertyRuns(300) },
    );
  });

  it("the dependency closure is the smallest dependency-closed superset of the selection", () => {
    fc.assert(
      fc.property(anyDag, fc.constantFrom("t0", "t1", "t2"), (adj, tag) => {
        const scenarios = toScenarios(adj.map((deps, i) => deps.filter((d) => d < i)));
        const { graph } = buildGraph(scenarios);
        const sel = selectScenarios(scenarios, graph, { tags: [tag] }, true);
        const included = new Set(sel.included);
        const picked = scenarios.flatMap((s, i) => (s.tags.includes(tag) ? [i] : []));
        for (const p of picked) expect(included.has(p)).toBe(true);
        for (const i of included) for (const d of graph.deps[i]!) expect(included.has(d)).toBe(true);
        // Minimal: every included node is a picked node or a transitive dependency of one.
        const ancestors = new Set<number>();
        const visit = (i: number) => {
          for (const d of graph.deps[i]!) {
            if (ancestors.has(d)) continue;
            ancestors.add(d);
            visit(d);
          }
        };
        picked.forEach(visit);
        for (const i of included) expect(picked.includes(i) || ancestors.has(i)).toBe(true);
        for (const i of sel.pulledIn) expect(picked.includes(i)).toBe(false);
      }),
      { numRuns: propertyRuns(300) },
    );
  });
});
