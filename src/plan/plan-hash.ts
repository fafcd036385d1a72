/**
 * A plan's identity: a hash of what decides which scenario runs where (names, worktrees, dependencies,
 * the weights sharding balances by, and the shard count). Every shard of one run computes it over the
 * whole plan before taking its part, so `grove merge-reports` can tell shards of one run from shards of
 * different ones (another commit, other filters, other recorded timings). Pure.
 */
import { createHash } from "node:crypto";
import type { Plan } from "./plan.js";

export function planHash(plan: Plan, shard?: { count: number; splitWorktrees: boolean }): string {
  // The text is JSON.stringify({scenarios: [[name, worktree, sorted deps, ms], ...] by name, shards,
  // split}), written one scenario at a time (the arrays of the whole list were a visible share of
  // planning 100,000 scenarios).
  const byName = [...plan.scenarios].sort((a, b) => (a.name < b.name ? -1 : 1));
  const hash = createHash("sha256").update('{"scenarios":[');
  let chunk = "";
  byName.forEach((p, k) => {
    const deps = p.dependencies.length > 1 ? [...p.dependencies].sort() : p.dependencies;
    chunk += `${k > 0 ? "," : ""}${JSON.stringify([p.name, p.scenario.worktree, deps, Math.round(p.expectedSeconds * 1000)])}`;
    if (chunk.length > 65536) {
      hash.update(chunk);
      chunk = "";
    }
  });
  hash.update(`${chunk}],"shards":${shard?.count ?? 1},"split":${shard?.splitWorktrees ?? false}}`);
  return hash.digest("hex").slice(0, 16);
}
