/**
 * A plan's identity: a hash of what decides which scenario runs where (names, worktrees, dependencies,
 * the weights sharding balances by, and the shard count) and what each runs (its definition's fields,
 * scenario-definition.ts: test_file, command and env): shards whose checkouts run other commands are
 * other runs. Every shard of one run computes it over the
 * whole plan before taking its part, so `grove merge-reports` can tell shards of one run from shards of
 * different ones (another commit, other filters, other recorded timings). Pure.
 */
import { createHash } from "node:crypto";
import type { Plan } from "./plan.js";
import { definitionFields } from "./scenario-definition.js";

export function planHash(
  plan: Plan,
  shard?: { count: number; splitWorktrees: boolean },
  pipelineTestRun: readonly string[] = [],
): string {
  // The text is JSON.stringify({scenarios: [[name, sorted deps, ms, ...definition fields], ...] by
  // name, shards, split}), written one scenario at a time (the arrays of the whole list were a visible
  // share of planning 100,000 scenarios).
  const byName = [...plan.scenarios].sort((a, b) => (a.name < b.name ? -1 : 1));
  const hash = createHash("sha256").update('{"scenarios":[');
  let chunk = "";
  byName.forEach((p, k) => {
    const deps = p.dependencies.length > 1 ? [...p.dependencies].sort() : p.dependencies;
    chunk += `${k > 0 ? "," : ""}${JSON.stringify([p.name, deps, Math.round(p.expectedSeconds * 1000), ...definitionFields(p.scenario, pipelineTestRun)])}`;
    if (chunk.length > 65536) {
      hash.update(chunk);
      chunk = "";
    }
  });
  hash.update(`${chunk}],"shards":${shard?.count ?? 1},"split":${shard?.splitWorktrees ?? false}}`);
  return hash.digest("hex").slice(0, 16);
}
