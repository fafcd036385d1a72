/**
 * A plan's identity: a hash of what decides which scenario runs where (names, worktrees, dependencies,
 * the weights sharding balances by, and the shard count). Every shard of one run computes it over the
 * whole plan before taking its part, so `grove merge-reports` can tell shards of one run from shards of
 * different ones (another commit, other filters, other recorded timings). Pure.
 */
import { createHash } from "node:crypto";
import type { Plan } from "./plan.js";

export function planHash(plan: Plan, shard?: { count: number; splitWorktrees: boolean }): string {
  const scenarios = [...plan.scenarios]
    .map((p) => [
      p.name,
      p.scenario.worktree,
      [...p.dependencies].sort(),
      Math.round(p.expectedSeconds * 1000),
    ])
    .sort((a, b) => (String(a[0]) < String(b[0]) ? -1 : 1));
  const text = JSON.stringify({
    scenarios,
    shards: shard?.count ?? 1,
    split: shard?.splitWorktrees ?? false,
  });
  return createHash("sha256").update(text).digest("hex").slice(0, 16);
}
