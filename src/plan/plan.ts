/**
 * Plans a run: graph, problems (unknown dependencies, cycles), selection, expected durations,
 * critical-path priorities and a run order. Pure: no I/O, no clocks; deterministic for its input.
 * It does not decide what happens at run time (that is the run machine's job).
 */
import type { Scenario } from "../config/types.js";
import { BinaryHeap } from "../util/binary-heap.js";
import { buildGraph, type UnknownDependency } from "./build-graph.js";
import { type DependencyCycle, detectCycles } from "./detect-cycles.js";
import { criticalPathPriorities } from "./priorities.js";
import { isFiltered, type SelectionFilters, selectScenarios } from "./select.js";

export interface PlanOptions {
  filters?: SelectionFilters;
  /** Pull in the selection's dependencies (default true; `--no-deps` sets false). */
  withDependencies?: boolean;
  /** With withDependencies false: treat dependencies left out as passed (`--assume-deps-passed`). */
  assumeDependenciesPassed?: boolean;
  /** Seconds per attempt for scenarios without their own timeout (the pipeline's test.timeout). */
  defaultTimeout?: number;
  /** Extra attempts for scenarios without retry_count (the pipeline's test.retries). */
  defaultRetries?: number;
  /** Recorded durations in seconds, by scenario name; used instead of the timeout when present. */
  timings?: ReadonlyMap<string, number>;
}

export interface PlannedScenario {
  scenario: Scenario;
  name: string;
  /** Seconds per attempt. */
  timeout: number;
  /** Extra attempts after a failure. */
  retries: number;
  /** Dependencies that are part of this run. */
  dependencies: string[];
  /** Scenarios in this run that depend on this one. */
  dependents: string[];
  /** Included only because a selected scenario depends on it. */
  pulledIn: boolean;
  /** Dependencies left out of the run by `--no-deps`. */
  unselectedDependencies: string[];
  expectedSeconds: number;
  expectedFrom: "history" | "timeout";
  /** Expected seconds from this scenario's start to the end of its longest chain of dependents. */
  priority: number;
}

export interface Plan {
  /** In run order: every scenario after its dependencies, higher priority first among the ready. */
  scenarios: PlannedScenario[];
  byName: Map<string, PlannedScenario>;
  worktrees: string[];
  criticalPath: string[];
  criticalPathSeconds: number;
  totalExpectedSeconds: number;
  filtered: boolean;
  /** How many scenarios of the file are not in this run. */
  excluded: number;
  assumeDependenciesPassed: boolean;
}

export type PlanProblem = UnknownDependency | DependencyCycle;

export type PlanResult = { ok: true; plan: Plan } | { ok: false; problems: PlanProblem[] };

/** What a pipeline decides about planning: the timeout and retries of scenarios that set none. */
export function pipelinePlanDefaults(test: {
  timeout: number;
  retries: number;
}): Pick<PlanOptions, "defaultTimeout" | "defaultRetries"> {
  return { defaultTimeout: test.timeout, defaultRetries: test.retries };
}

/** A plan with nothing to run that keeps `from`'s flags (a shard with no part, a resume with all passed). */
export function emptyPlan(from: Plan, excluded: number): Plan {
  return {
    ...from,
    scenarios: [],
    byName: new Map(),
    worktrees: [],
    criticalPath: [],
    criticalPathSeconds: 0,
    totalExpectedSeconds: 0,
    excluded,
  };
}

export function planScenarios(scenarios: readonly Scenario[], options: PlanOptions = {}): PlanResult {
  const { graph, unknown } = buildGraph(scenarios);
  const cycles = detectCycles(graph);
  if (unknown.length > 0 || cycles.length > 0) return { ok: false, problems: [...unknown, ...cycles] };

  const filters = options.filters ?? {};
  const withDependencies = options.withDependencies ?? true;
  const selection = selectScenarios(scenarios, graph, filters, withDependencies);
  // Each scenario's in-run dependencies and dependents, as arrays by index, filtered once (when the
  // whole file runs, the graph's own lists). Maps and per-pass filters here were most of planning's
  // garbage at 100,000 scenarios.
  const n = scenarios.length;
  const included = new Uint8Array(n);
  for (const i of selection.included) included[i] = 1;
  const everything = selection.included.length === n;
  const inRun = (lists: number[][]) =>
    everything ? lists : lists.map((list, i) => (included[i] ? list.filter((d) => included[d]) : []));
  const depsIn = inRun(graph.deps);
  const dependentsIn = inRun(graph.dependents);

  const timeoutOf = (i: number) => scenarios[i]!.timeout ?? options.defaultTimeout ?? 300;
  const secondsOf = (i: number) => options.timings?.get(scenarios[i]!.name) ?? timeoutOf(i);
  const topo = topologicalOrder(selection.included, depsIn, dependentsIn);
  const priority = criticalPathPriorities(topo, dependentsIn, secondsOf);
  const order = topologicalOrder(selection.included, depsIn, dependentsIn, priority);

  const names = (list: number[]) => list.map((d) => graph.names[d]!);
  const planned = order.map((i): PlannedScenario => {
    const s = scenarios[i]!;
    const recorded = options.timings?.get(s.name);
    const deps = depsIn[i]!;
    return {
      scenario: s,
      name: s.name,
      timeout: timeoutOf(i),
      retries: s.retryCount ?? options.defaultRetries ?? 0,
      // All of its dependencies run: the same names, in the same order, as the scenario lists.
      dependencies: deps.length === s.dependencies.length ? s.dependencies : names(deps),
      dependents: names(dependentsIn[i]!),
      pulledIn: selection.pulledIn.has(i),
      unselectedDependencies: names(selection.outside.get(i) ?? []),
      expectedSeconds: secondsOf(i),
      expectedFrom: recorded !== undefined ? "history" : "timeout",
      priority: priority[i]!,
    };
  });
  const byName = new Map(planned.map((p) => [p.name, p]));
  const critical = criticalPath(planned, byName);
  return {
    ok: true,
    plan: {
      scenarios: planned,
      byName,
      worktrees: [...new Set(planned.map((p) => p.scenario.worktree))].sort(),
      criticalPath: critical.map((p) => p.name),
      criticalPathSeconds: critical.reduce((sum, p) => sum + p.expectedSeconds, 0),
      totalExpectedSeconds: planned.reduce((sum, p) => sum + p.expectedSeconds, 0),
      filtered: isFiltered(filters),
      excluded: scenarios.length - planned.length,
      assumeDependenciesPassed: options.assumeDependenciesPassed ?? false,
    },
  };
}

/**
 * Kahn's algorithm over `nodes`. With weights, the highest weight goes first among the ready, then the
 * earliest in the file; without, the ready go in the order they became ready (any topological order).
 */
function topologicalOrder(
  nodes: readonly number[],
  deps: readonly number[][],
  dependents: readonly number[][],
  weight?: Float64Array,
): number[] {
  const remaining = new Int32Array(deps.length);
  const roots: number[] = [];
  for (const i of nodes) {
    remaining[i] = deps[i]!.length;
    if (remaining[i] === 0) roots.push(i);
  }
  if (!weight) {
    // `out` is its own FIFO queue: it grows while it is read.
    const out = roots;
    for (let k = 0; k < out.length; k++)
      for (const d of dependents[out[k]!]!) if (--remaining[d]! === 0) out.push(d);
    return out;
  }
  const ready = new BinaryHeap<number>(
    (a, b) => weight[a]! > weight[b]! || (weight[a] === weight[b] && a < b),
  );
  for (const i of roots) ready.push(i);
  const out: number[] = [];
  while (ready.size > 0) {
    const i = ready.pop()!;
    out.push(i);
    for (const d of dependents[i]!) if (--remaining[d]! === 0) ready.push(d);
  }
  return out;
}

/** The chain of highest priority: from the top root, always to the dependent with the highest priority. */
function criticalPath(planned: PlannedScenario[], byName: Map<string, PlannedScenario>): PlannedScenario[] {
  const roots = planned.filter((p) => p.dependencies.length === 0);
  let current = roots.reduce<PlannedScenario | undefined>(
    (best, p) => (!best || p.priority > best.priority ? p : best),
    undefined,
  );
  const path: PlannedScenario[] = [];
  while (current) {
    path.push(current);
    current = current.dependents
      .map((n) => byName.get(n)!)
      .reduce<PlannedScenario | undefined>(
        (best, p) => (!best || p.priority > best.priority ? p : best),
        undefined,
      );
  }
  return path;
}
