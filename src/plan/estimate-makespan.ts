/**
 * The expected wall time of a plan on N workers: the run machine's policy (highest priority first among
 * the ready, at most `maxPerWorktree` at once in one worktree) simulated over the expected durations.
 * Pure. It is an estimate for `grove plan`, not what schedules the run (that is the ready set).
 */
import { BinaryHeap } from "../util/binary-heap.js";
import type { Plan, PlannedScenario } from "./plan.js";

/** Seconds the plan is expected to take from first start to last end with `workers` slots. */
export function estimateMakespan(
  plan: Plan,
  workers: number,
  maxPerWorktree = Number.POSITIVE_INFINITY,
): number {
  const waiting = new Map<string, number>();
  const ready = new BinaryHeap<PlannedScenario>((a, b) => a.priority > b.priority);
  for (const p of plan.scenarios) {
    waiting.set(p.name, p.dependencies.length);
    if (p.dependencies.length === 0) ready.push(p);
  }
  const running = new BinaryHeap<{ end: number; p: PlannedScenario }>((a, b) => a.end < b.end);
  const inWorktree = new Map<string, number>();
  const blocked: PlannedScenario[] = [];
  let now = 0;
  const start = () => {
    while (running.size < workers && ready.size > 0) {
      const p = ready.pop()!;
      const wt = p.scenario.worktree;
      if ((inWorktree.get(wt) ?? 0) >= maxPerWorktree) {
        blocked.push(p);
        continue;
      }
      inWorktree.set(wt, (inWorktree.get(wt) ?? 0) + 1);
      running.push({ end: now + p.expectedSeconds, p });
    }
    for (const p of blocked.splice(0)) ready.push(p);
  };
  start();
  while (running.size > 0) {
    const { end, p } = running.pop()!;
    now = end;
    inWorktree.set(p.scenario.worktree, inWorktree.get(p.scenario.worktree)! - 1);
    for (const d of p.dependents) {
      const left = waiting.get(d)! - 1;
      waiting.set(d, left);
      if (left === 0) ready.push(plan.byName.get(d)!);
    }
    start();
  }
  return now;
}
