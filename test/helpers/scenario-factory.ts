/** Builds normalized scenarios for unit and property tests. */
import type { Scenario } from "../../src/config/types.js";

export function scenario(name: string, dependencies: string[] = [], extra: Partial<Scenario> = {}): Scenario {
  return {
    name,
    description: "",
    worktree: "w",
    testFile: `${name}.py`,
    dependencies,
    tags: [],
    env: {},
    index: 0,
    ...extra,
  };
}

/** Scenarios s0..s(n-1) where each may depend only on lower indices: always acyclic. */
export function dagScenarios(edges: readonly (readonly number[])[], worktrees = 1): Scenario[] {
  return edges.map((deps, i) =>
    scenario(
      `s${i}`,
      [...new Set(deps.filter((d) => d < i))].map((d) => `s${d}`),
      { index: i, worktree: `w${i % worktrees}` },
    ),
  );
}
