import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { Scenario } from "../../src/config/types.js";
import { type PlanOptions, planScenarios } from "../../src/plan/plan.js";
import { earlierDependencies } from "../helpers/dag-arbitrary.js";
import { propertyRuns } from "../helpers/property-runs.js";
import { scenario } from "../helpers/scenario-factory.js";

/** Random acyclic scenario sets (dependencies on lower indices, listed in any order) and plan options. */
const planCase = fc.integer({ min: 1, max: 12 }).chain((n) =>
  fc.record({
    scenarios: fc.tuple(
      ...Array.from({ length: n }, (_, i) =>
        fc.record({
          deps: earlierDependencies(i),
          worktree: fc.constantFrom("wa", "wb", "wc"),
          timeout: fc.option(fc.integer({ min: 1, max: 9 }), { nil: undefined }),
          retryCount: fc.option(fc.nat({ max: 3 }), { nil: undefined }),
          tags: fc.subarray(["t1", "t2"]),
        }),
      ),
    ),
    tags: fc.option(fc.subarray(["t1", "t2"], { minLength: 1 }), { nil: undefined }),
    worktrees: fc.option(fc.subarray(["wa", "wb", "wc"], { minLength: 1 }), { nil: undefined }),
    names: fc.option(fc.uniqueArray(fc.nat({ max: n - 1 }), { minLength: 1, maxLength: n }), {
      nil: undefined,
    }),
    withDependencies: fc.option(fc.boolean(), { nil: undefined }),
    assumeDependenciesPassed: fc.option(fc.boolean(), { nil: undefined }),
    defaultTimeout: fc.option(fc.integer({ min: 1, max: 9 }), { nil: undefined }),
    defaultRetries: fc.option(fc.nat({ max: 3 }), { nil: undefined }),
    timed: fc.uniqueArray(fc.nat({ max: n - 1 }), { maxLength: n }),
    seconds: fc.array(fc.integer({ min: 1, max: 20 }), { minLength: n, maxLength: n }),
  }),
);

type Case = typeof planCase extends fc.Arbitrary<infer T> ? T : never;

function build(c: Case): { scenarios: Scenario[]; options: PlanOptions } {
  const scenarios = c.scenarios.map((s, i) =>
    scenario(
      `s${i}`,
      s.deps.map((d) => `s${d}`),
      {
        index: i,
        worktree: s.worktree,
        tags: s.tags,
        ...(s.timeout !== undefined ? { timeout: s.timeout } : {}),
        ...(s.retryCount !== undefined ? { retryCount: s.retryCount } : {}),
      },
    ),
  );
  const filters = {
    ...(c.tags ? { tags: c.tags } : {}),
    ...(c.worktrees ? { worktrees: c.worktrees } : {}),
    ...(c.names ? { names: c.names.map((i) => `s${i}`) } : {}),
  };
  const options: PlanOptions = {
    filters,
    ...(c.withDependencies !== undefined ? { withDependencies: c.withDependencies } : {}),
    ...(c.assumeDependenciesPassed !== undefined
      ? { assumeDependenciesPassed: c.assumeDependenciesPassed }
      : {}),
    ...(c.defaultTimeout !== undefined ? { defaultTimeout: c.defaultTimeout } : {}),
    ...(c.defaultRetries !== undefined ? { defaultRetries: c.defaultRetries } : {}),
    timings: new Map(c.timed.map((i) => [`s${i}`, c.seconds[i]!])),
  };
  return { scenarios, options };
}

/**
 * The oracle, from the documented rules with the plainest algorithms: filters (any-of tags, any-of
 * worktrees, exact names; all given must match); the dependency closure by repeated sweeps; durations
 * (recorded, else the scenario's timeout, else the default, else 300); priority by recursion over
 * dependents; the order by repeatedly taking, among scenarios whose dependencies are all placed, the
 * highest priority then the earliest in the file; the critical path from the highest root.
 */
function oracle(c: Case) {
  const n = c.scenarios.length;
  const s = c.scenarios;
  const picked = s.map(
    (x, i) =>
      (!c.tags || x.tags.some((t) => c.tags!.includes(t))) &&
      (!c.worktrees || c.worktrees.includes(x.worktree)) &&
      (!c.names || c.names.includes(i)),
  );
  const included = [...picked];
  const withDeps = c.withDependencies ?? true;
  if (withDeps) {
    let changed = true;
    while (changed) {
      changed = false;
      for (let i = 0; i < n; i++)
        if (included[i])
          for (const d of s[i]!.deps)
            if (!included[d]) {
              included[d] = true;
              changed = true;
            }
    }
  }
  const inPlan = (i: number) => included[i]!;
  const depsOf = (i: number) => [...s[i]!.deps].filter(inPlan);
  const dependentsOf = (i: number) => s.flatMap((x, j) => (inPlan(j) && x.deps.includes(i) ? [j] : []));
  const secondsOf = (i: number) =>
    c.timed.includes(i) ? c.seconds[i]! : (s[i]!.timeout ?? c.defaultTimeout ?? 300);
  const priority = (i: number): number => secondsOf(i) + Math.max(0, ...dependentsOf(i).map(priority));
  const order: number[] = [];
  const placed = new Set<number>();
  const members = s.flatMap((_, i) => (inPlan(i) ? [i] : []));
  while (order.length < members.length) {
    const ready = members.filter((i) => !placed.has(i) && depsOf(i).every((d) => placed.has(d)));
    ready.sort((a, b) => priority(b) - priority(a) || a - b);
    order.push(ready[0]!);
    placed.add(ready[0]!);
  }
  const path: number[] = [];
  const best = (candidates: number[]) =>
    candidates.reduce<number | undefined>(
      (b, i) => (b === undefined || priority(i) > priority(b) ? i : b),
      undefined,
    );
  for (
    let at = best(order.filter((i) => depsOf(i).length === 0));
    at !== undefined;
    at = best(dependentsOf(at))
  )
    path.push(at);
  return { picked, order, depsOf, dependentsOf, secondsOf, priority, path, withDeps };
}

describe("planner against an oracle (random DAGs x filters x options x recorded timings)", () => {
  it("plans exactly what the oracle says: membership, order, durations, priorities, critical path, totals", () => {
    fc.assert(
      fc.property(planCase, (c) => {
        const { scenarios, options } = build(c);
        const r = planScenarios(scenarios, options);
        if (!r.ok) throw new Error("an acyclic set was refused");
        const plan = r.plan;
        const o = oracle(c);
        const name = (i: number) => `s${i}`;
        expect(plan.scenarios.map((p) => p.name)).toEqual(o.order.map(name));
        for (const i of o.order) {
          const p = plan.byName.get(name(i))!;
          const x = c.scenarios[i]!;
          expect(p.scenario).toBe(scenarios[i]);
          expect(p.dependencies).toEqual(o.depsOf(i).map(name));
          expect(p.dependents).toEqual(o.dependentsOf(i).map(name));
          expect(p.pulledIn).toBe(o.withDeps && !o.picked[i]);
          expect(p.unselectedDependencies).toEqual(
            o.withDeps ? [] : x.deps.filter((d) => !o.picked[d]).map(name),
          );
          expect(p.expectedSeconds).toBe(o.secondsOf(i));
          expect(p.expectedFrom).toBe(c.timed.includes(i) ? "history" : "timeout");
          expect(p.timeout).toBe(x.timeout ?? c.defaultTimeout ?? 300);
          expect(p.retries).toBe(x.retryCount ?? c.defaultRetries ?? 0);
          expect(p.priority).toBe(o.priority(i));
        }
        expect(plan.worktrees).toEqual([...new Set(o.order.map((i) => c.scenarios[i]!.worktree))].sort());
        expect(plan.criticalPath).toEqual(o.path.map(name));
        expect(plan.criticalPathSeconds).toBe(o.path.reduce((sum, i) => sum + o.secondsOf(i), 0));
        expect(plan.totalExpectedSeconds).toBe(o.order.reduce((sum, i) => sum + o.secondsOf(i), 0));
        expect(plan.filtered).toBe(Boolean(c.tags || c.worktrees || c.names));
        expect(plan.excluded).toBe(c.scenarios.length - o.order.length);
        expect(plan.assumeDependenciesPassed).toBe(c.assumeDependenciesPassed ?? false);
      }),
      { numRuns: propertyRuns(400) },
    );
  });
});

/** Any directed graph over n nodes (cycles and self-loops allowed), as dependency lists. */
const anyGraph = fc
  .integer({ min: 1, max: 10 })
  .chain((n) =>
    fc.array(fc.uniqueArray(fc.nat({ max: n - 1 }), { maxLength: 3 }), { minLength: n, maxLength: n }),
  );

describe("cycle detection against an oracle (strongly connected components by reachability)", () => {
  it("reports one cycle per cyclic component, starting at its first scenario in the file, as short as any", () => {
    fc.assert(
      fc.property(anyGraph, (adj) => {
        const n = adj.length;
        // reach[i][j]: j is reachable from i by one or more dependency edges (Floyd-Warshall closure).
        const reach = adj.map((deps) => Array.from({ length: n }, (_, j) => deps.includes(j)));
        for (let k = 0; k < n; k++)
          for (let i = 0; i < n; i++)
            for (let j = 0; j < n; j++) if (reach[i]![k] && reach[k]![j]) reach[i]![j] = true;
        const cyclic = Array.from({ length: n }, (_, i) => i).filter((i) => reach[i]![i]);
        const componentOf = (i: number) => cyclic.filter((j) => reach[i]![j] && reach[j]![i]);
        const components = [...new Set(cyclic.map((i) => componentOf(i).join(",")))];

        const r = planScenarios(
          adj.map((deps, i) =>
            scenario(
              `s${i}`,
              deps.map((d) => `s${d}`),
              { index: i },
            ),
          ),
        );
        const cycles = r.ok ? [] : r.problems.filter((p) => p.kind === "cycle");
        expect(cycles).toHaveLength(components.length);
        const seen = new Set<string>();
        for (const c of cycles) {
          const path = c.path.map((s) => Number(s.slice(1)));
          const members = componentOf(path[0]!);
          expect(path[0]).toBe(Math.min(...members));
          expect(path.at(-1)).toBe(path[0]);
          for (let k = 0; k + 1 < path.length; k++) expect(adj[path[k]!]).toContain(path[k + 1]);
          for (const v of path) expect(members).toContain(v);
          seen.add(members.join(","));
          // As short as the shortest cycle through its start (breadth-first over dependency edges).
          let frontier = [path[0]!];
          let length = 0;
          const visited = new Set<number>();
          while (!frontier.some((v) => adj[v]!.includes(path[0]!))) {
            length++;
            const next = new Set(frontier.flatMap((v) => adj[v]!).filter((w) => !visited.has(w)));
            for (const w of next) visited.add(w);
            frontier = [...next];
          }
          expect(path.length - 1).toBe(length + 1);
        }
        expect(seen.size).toBe(components.length);
      }),
      { numRuns: propertyRuns(400) },
    );
  });
});
