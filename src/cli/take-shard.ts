/**
 * `--shard i/n`: partitions the whole plan (plan/shard.ts) and plans this shard's part again, with the
 * same options, so order and priorities are those of the part. Every shard computes the same partition
 * from the same scenarios, selection and recorded timings (docs/ci/github-actions.md caches them).
 */
import type { Scenario } from "../config/types.js";
import { InternalError } from "../errors.js";
import { emptyPlan, type Plan, type PlanOptions, planScenarios } from "../plan/plan.js";
import { partitionShards, type ShardAssignment } from "../plan/shard.js";

export function takeShard(
  scenarios: readonly Scenario[],
  whole: Plan,
  options: PlanOptions,
  shard: { index: number; count: number; splitWorktrees: boolean },
): { plan: Plan; assignment: ShardAssignment } {
  const assignment = partitionShards(
    whole.scenarios.map((p) => ({
      name: p.name,
      worktree: p.scenario.worktree,
      dependencies: p.dependencies,
      seconds: p.expectedSeconds,
      recorded: p.expectedFrom === "history",
    })),
    shard.count,
    { splitWorktrees: shard.splitWorktrees },
  );
  const mine = assignment.shards[shard.index - 1]!.scenarios;
  if (mine.length === 0) return { plan: emptyPlan(whole, scenarios.length), assignment };
  // The part is closed under the whole plan's dependencies, so picking its names alone (no pulling in)
  // plans exactly it; what the whole plan left out stays out as before.
  const part = planScenarios(scenarios, {
    ...options,
    filters: { names: mine },
    withDependencies: options.withDependencies ?? true,
  });
  if (!part.ok) throw new InternalError("a shard of a valid plan failed to plan");
  return {
    plan: { ...part.plan, filtered: true, excluded: scenarios.length - part.plan.scenarios.length },
    assignment,
  };
}
