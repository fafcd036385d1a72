/**
 * The dependency graph of a scenario list, by index. Reports unknown dependencies (with the nearest
 * existing name) but not cycles: those are `detect-cycles.ts`'s job. Pure.
 */
import type { Scenario } from "../config/types.js";
import { closest } from "../util/did-you-mean.js";

export interface ScenarioGraph {
  names: string[];
  indexOf: Map<string, number>;
  /** deps[i]: indices scenario i depends on. */
  deps: number[][];
  /** dependents[i]: indices that depend on scenario i. */
  dependents: number[][];
}

export interface UnknownDependency {
  kind: "unknown-dependency";
  scenario: string;
  /** JSON path of the offending entry in the scenarios file. */
  path: (string | number)[];
  dependency: string;
  suggestion?: string;
}

export function buildGraph(scenarios: readonly Scenario[]): {
  graph: ScenarioGraph;
  unknown: UnknownDependency[];
} {
  const names = scenarios.map((s) => s.name);
  const indexOf = new Map<string, number>();
  names.forEach((n, i) => {
    if (!indexOf.has(n)) indexOf.set(n, i);
  });
  const deps: number[][] = scenarios.map(() => []);
  const dependents: number[][] = scenarios.map(() => []);
  const unknown: UnknownDependency[] = [];
  scenarios.forEach((s, i) => {
    s.dependencies.forEach((d, j) => {
      const di = indexOf.get(d);
      if (di === undefined) {
        // Never suggest the scenario itself: that would be a cycle.
        const suggestion = closest(
          d,
          names.filter((n) => n !== s.name),
        );
        unknown.push({
          kind: "unknown-dependency",
          scenario: s.name,
          path: ["scenarios", s.index, "dependencies", j],
          dependency: d,
          ...(suggestion ? { suggestion } : {}),
        });
        return;
      }
      deps[i]!.push(di);
      dependents[di]!.push(i);
    });
  });
  return { graph: { names, indexOf, deps, dependents }, unknown };
}
