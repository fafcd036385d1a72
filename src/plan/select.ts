/**
 * Which scenarios a run includes. Filters pick scenarios (tags: any-of; worktrees: any-of; both given:
 * both must match). By default the selection's dependencies are pulled in (the smallest
 * dependency-closed superset); with `withDependencies: false` only the selection runs and each
 * dependency left outside is reported, so the caller can skip or assume it. Pure.
 */
import type { Scenario } from "../config/types.js";
import type { ScenarioGraph } from "./build-graph.js";

export interface SelectionFilters {
  tags?: readonly string[];
  worktrees?: readonly string[];
  /** Exact scenario names (the API's and `grove run NAME...`'s way to pick). */
  names?: readonly string[];
}

export interface Selection {
  /** Indices included in the run, ascending. */
  included: number[];
  /** Included only because something selected depends on them. */
  pulledIn: Set<number>;
  /** With `withDependencies: false`: for each included index, its dependencies left out of the run. */
  outside: Map<number, number[]>;
}

export function isFiltered(filters: SelectionFilters): boolean {
  return Boolean(filters.tags?.length || filters.worktrees?.length || filters.names?.length);
}

/**
 * A test for "does this scenario pass the filters", with each list made a set once (a names filter of
 * 50,000, from a shard or `--last-failed`, over 100,000 scenarios was quadratic as array look-ups).
 */
function filterMatcher(filters: SelectionFilters): (s: Scenario) => boolean {
  const set = (xs: readonly string[] | undefined) => (xs?.length ? new Set(xs) : undefined);
  const tags = set(filters.tags);
  const worktrees = set(filters.worktrees);
  const names = set(filters.names);
  return (s) =>
    (!tags || s.tags.some((t) => tags.has(t))) &&
    (!worktrees || worktrees.has(s.worktree)) &&
    (!names || names.has(s.name));
}

export function selectScenarios(
  scenarios: readonly Scenario[],
  graph: ScenarioGraph,
  filters: SelectionFilters,
  withDependencies: boolean,
): Selection {
  const matches = filterMatcher(filters);
  const picked = new Set<number>();
  scenarios.forEach((s, i) => {
    if (matches(s)) picked.add(i);
  });
  const included = new Set(picked);
  const pulledIn = new Set<number>();
  const outside = new Map<number, number[]>();
  if (withDependencies) {
    const queue = [...picked];
    for (let qi = 0; qi < queue.length; qi++) {
      for (const d of graph.deps[queue[qi]!]!) {
        if (included.has(d)) continue;
        included.add(d);
        pulledIn.add(d);
        queue.push(d);
      }
    }
  } else {
    for (const i of picked) {
      const missing = graph.deps[i]!.filter((d) => !picked.has(d));
      if (missing.length > 0) outside.set(i, missing);
    }
  }
  return { included: [...included].sort((a, b) => a - b), pulledIn, outside };
}
