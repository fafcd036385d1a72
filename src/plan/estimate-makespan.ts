/**
 * The expected wall time of a plan on N workers: the run machine's policy (highest priority first among
 * the ready, at most `maxPerWorktree` at once in one worktree) simulated over the expected durations.
 * Pure. It is an estimate for `grove plan`, not what schedules the run (that is the ready set).
 */
import { BinaryHeap } from "../util/binary-heap.js";
import type { Plan } from "./plan.js";

/** Seconds the plan is expected to take from first start to last end with `workers` slots. */
export function estimateMakespan(
  plan: Plan,
  workers: number,
  maxPerWorktree = Number.POSITIVE_INFINITY,
): number {
  // By position in the plan: counts in a typed array, dependents resolved once (string-keyed maps per
  // step were most of this at 100,000 scenarios).
  const ps = plan.scenarios;
  const at = new Map(ps.map((p, i) => [p.name, i]));
  const waiting = new Int32Array(ps.length);
  const ready = new BinaryHeap<number>((a, b) => ps[a]!.priority > ps[b]!.priority);
  ps.forEach((p, i) => {
    waiting[i] = p.dependencies.length;
    if (p.dependencies.length === 0) ready.push(i);
  });
  const running = new BinaryHeap<{ end: number; i: number }>((a, b) => a.end < b.end);
  const inWorktree = new Map<string, number>();
  const blocked: number[] = [];
  let now = 0;
  const start = () => {
    while (running.size < workers && ready.size > 0) {
      const i = ready.pop()!;
      const wt = ps[i]!.scenario.worktree;
      const busy = inWorktree.get(wt) ?? 0;
      if (busy >= maxPerWorktree) {
        blocked.push(i);
        continue;
      }
      inWorktree.set(wt, busy + 1);
      running.push({ end: now + ps[i]!.expectedSeconds, i });
    }
    for (const i of blocked) ready.push(i);
    blocked.length = 0;
  };
  start();
  while (running.size > 0) {
    const { end, i } = running.pop()!;
    now = end;
    const p = ps[i]!;
    inWorktree.set(p.scenario.worktree, inWorktree.get(p.scenario.worktree)! - 1);
    for (const name of p.dependents) {
      const d = at.get(name)!;
      if (--waiting[d]! === 0) ready.push(d);
    }
    start();
  }
  return now;
}
