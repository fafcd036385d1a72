/**
 * A plan's identity: a hash of what decides which scenario runs where (names, worktrees, dependencies,
 * the weights sharding balances by, and the shard count) and what each runs (its test_file, run and
 * env, and the pipeline's test command): shards whose checkouts run other commands are other runs. Every shard of one run computes it over the
 * whole plan before taking its part, so `grove merge-reports` can tell shards of one run from shards of
 * different ones (another commit, other filters, other recorded timings). Pure.
 */
import { createHash } from "node:crypto";
import type { Plan } from "./plan.js";

export function planHash(
  plan: Plan,
  shard?: { count: number; splitWorktrees: boolean },
  pipelineTestRun: readonly string[] = [],
): string {
  // The text is JSON.stringify({scenarios: [[name, worktree, sorted deps, ms, test_file, run, env],
  // ...] by name, shards, split, run}), written one scenario at a time (the arrays of the whole list were a visible share of
  // planning 100,000 scenarios).
  const byName = [...plan.scenarios].sort((a, b) => (a.name < b.name ? -1 : 1));
  const hash = createHash("sha256").update('{"scenarios":[');
  let chunk = "";
  byName.forEach((p, k) => {
    const deps = p.dependencies.length > 1 ? [...p.dependencies].sort() : p.dependencies;
    const s = p.scenario;
    const env =
      Object.keys(s.env).length > 0 ? Object.entries(s.env).sort(([a], [b]) => (a < b ? -1 : 1)) : [];
    chunk += `${k > 0 ? "," : ""}${JSON.stringify([p.name, s.worktree, deps, Math.round(p.expectedSeconds * 1000), s.testFile ?? null, s.run ?? null, env])}`;
    if (chunk.length > 65536) {
      hash.update(chunk);
      chunk = "";
    }
  });
  hash.update(
    `${chunk}],"shards":${shard?.count ?? 1},"split":${shard?.splitWorktrees ?? false},"run":${JSON.stringify(pipelineTestRun)}}`,
  );
  return hash.digest("hex").slice(0, 16);
}
