/**
 * The critical path a run actually took, from its timestamps: the scenario that finished last, then,
 * going back, the dependency that finished last before it started (the one it waited for), and so on.
 * Not the plan's critical path (expected durations); a scenario that waited for a worker slot rather
 * than a dependency ends the walk there. Pure.
 */
import type { ReportScenario } from "./build-report.js";

/** The path, first to last, and the wall-clock seconds from the first's start to the last's end. */
export interface ActualCriticalPath {
  names: string[];
  seconds: number;
}

const ms = (t: string | null) => (t === null ? Number.NaN : Date.parse(t));

/** `dependencies`: each scenario's dependencies in the plan (by name). */
export function actualCriticalPath(
  scenarios: readonly ReportScenario[],
  dependencies: ReadonlyMap<string, readonly string[]>,
): ActualCriticalPath | undefined {
  const ran = new Map(
    scenarios
      .filter((s) => Number.isFinite(ms(s.started_at)) && Number.isFinite(ms(s.ended_at)))
      .map((s) => [s.name, s]),
  );
  let last: ReportScenario | undefined;
  for (const s of ran.values()) if (!last || ms(s.ended_at) > ms(last.ended_at)) last = s;
  if (!last) return undefined;
  const path = [last];
  const seen = new Set([last.name]);
  for (let cur = last; ; ) {
    let gate: ReportScenario | undefined;
    for (const d of dependencies.get(cur.name) ?? []) {
      const dep = ran.get(d);
      if (!dep || seen.has(d) || ms(dep.ended_at) > ms(cur.started_at)) continue;
      if (!gate || ms(dep.ended_at) > ms(gate.ended_at)) gate = dep;
    }
    if (!gate) break;
    path.unshift(gate);
    seen.add(gate.name);
    cur = gate;
  }
  return {
    names: path.map((s) => s.name),
    seconds: (ms(last.ended_at) - ms(path[0]!.started_at)) / 1000,
  };
}
