/** `grove plan` output: a table in run order, worktree presence, the critical path, totals; or JSON. */
import { existsSync } from "node:fs";
import { join } from "node:path";
import { estimateMakespan } from "../plan/estimate-makespan.js";
import type { Plan } from "../plan/plan.js";
import { worktreePath } from "../steps/worktree-paths.js";
import type { RunContext } from "./resolve-context.js";

export type PlanWorktreeState = "present" | "missing" | "not-a-worktree";

export function worktreePresence(
  basePath: string,
  worktrees: readonly string[],
): Map<string, PlanWorktreeState> {
  return new Map(
    worktrees.map((wt) => {
      const dir = worktreePath(basePath, wt);
      return [
        wt,
        !existsSync(dir) ? "missing" : existsSync(join(dir, ".git")) ? "present" : "not-a-worktree",
      ];
    }),
  );
}

const seconds = (s: number) => (s >= 120 ? `${Math.round(s / 6) / 10}m` : `${Math.round(s * 10) / 10}s`);

export function renderPlanText(
  ctx: RunContext,
  presence: Map<string, PlanWorktreeState>,
  workers: number,
): string {
  const { plan } = ctx;
  const out: string[] = [];
  const present = [...presence.values()].filter((p) => p === "present").length;
  out.push(`Plan: ${plan.scenarios.length} scenario(s) over ${plan.worktrees.length} worktree(s)`);
  out.push(`  scenarios: ${ctx.scenariosFile}`);
  out.push(`  pipeline:  ${ctx.pipeline.source}`);
  out.push(`  main repo: ${ctx.mainRepo}${ctx.mainRepoIsGit ? "" : " (not a git repository)"}`);
  out.push(`  worktrees: ${ctx.basePath}`);
  out.push("");
  const header = ["#", "scenario", "worktree", "depends on", "timeout", "retries", "tags"];
  const rows = plan.scenarios.map((p, i) => [
    String(i + 1),
    p.name + (p.pulledIn ? " (dependency)" : ""),
    `${p.scenario.worktree}${presence.get(p.scenario.worktree) === "present" ? "" : " (missing)"}`,
    [
      ...p.dependencies,
      ...p.unselectedDependencies.map(
        (d) => `${d} (not selected${plan.assumeDependenciesPassed ? ", assumed passed" : ": will skip"})`,
      ),
    ].join(", ") || "-",
    seconds(p.timeout),
    String(p.retries),
    p.scenario.tags.join(", ") || "-",
  ]);
  out.push(...table([header, ...rows]));
  out.push("");
  out.push("Worktrees:");
  for (const wt of plan.worktrees) {
    const state = presence.get(wt)!;
    const note =
      state === "missing"
        ? "missing: create it with --setup-worktrees"
        : state === "not-a-worktree"
          ? "exists but has no .git entry"
          : "present";
    out.push(
      `  ${wt.padEnd(Math.max(...plan.worktrees.map((w) => w.length)) + 2)}${note}  (${worktreePath(ctx.basePath, wt)})`,
    );
  }
  out.push("");
  out.push(
    plan.criticalPath.length === 0
      ? "Critical path: none (nothing to run)"
      : `Critical path (${seconds(plan.criticalPathSeconds)} expected): ${plan.criticalPath.join(" -> ")}`,
  );
  const excluded = plan.filtered ? `, ${plan.excluded} filtered out` : "";
  const pulled = plan.scenarios.filter((p) => p.pulledIn).length;
  out.push(
    `Totals: ${plan.scenarios.length} scenario(s)${pulled ? ` (${pulled} pulled in as dependencies)` : ""}${excluded}; ${present}/${plan.worktrees.length} worktree(s) present; expected work ${seconds(plan.totalExpectedSeconds)}`,
  );
  out.push(
    `Expected wall time on ${workers} worker(s): ${seconds(estimateMakespan(plan, workers, ctx.pipeline.test.maxPerWorktree))} (at most ${ctx.pipeline.test.maxPerWorktree} at once per worktree)`,
  );
  out.push(...shardLines(ctx));
  return `${out.join("\n")}\n`;
}

/** With --shard: this shard's share, every shard's load, and a warning when one group is too heavy. */
function shardLines(ctx: RunContext): string[] {
  if (!ctx.shard) return [];
  const { index, count, assignment: a } = ctx.shard;
  const out = [
    "",
    `Shard ${index}/${count}: ${a.shards[index - 1]!.scenarios.length} of ${a.shards.reduce((t, s) => t + s.scenarios.length, 0)} scenario(s), ${a.groups} group(s) kept whole; plan ${ctx.planHash}`,
    `  expected per shard: ${a.shards.map((s) => `${s.index}: ${seconds(s.seconds)}`).join(", ")} (ideal ${seconds(a.totalSeconds / count)})`,
  ];
  if (a.oversized)
    out.push(
      `  warning: one group of ${a.oversized.scenarios} scenario(s) (with ${a.oversized.first}) is expected to take ${seconds(a.oversized.seconds)}, more than total/${count} = ${seconds(a.oversized.ideal)}: its shard cannot finish sooner (split its worktree with --shard-split-worktrees, or cut dependencies)`,
    );
  return out;
}

function table(rows: string[][]): string[] {
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => r[c]!.length)));
  return rows.map((r) =>
    `  ${r.map((cell, c) => (c === r.length - 1 ? cell : cell.padEnd(widths[c]!))).join("  ")}`.trimEnd(),
  );
}

/** The plan as data for `--json` (stable field names; durations in seconds). */
export function planToJson(
  ctx: RunContext,
  presence: Map<string, PlanWorktreeState>,
  workers: number,
  plan: Plan = ctx.plan,
): unknown {
  return {
    scenariosFile: ctx.scenariosFile,
    pipeline: ctx.pipeline.source,
    mainRepo: ctx.mainRepo,
    basePath: ctx.basePath,
    order: plan.scenarios.map((p) => ({
      name: p.name,
      worktree: p.scenario.worktree,
      dependencies: p.dependencies,
      unselectedDependencies: p.unselectedDependencies,
      pulledIn: p.pulledIn,
      timeout: p.timeout,
      retries: p.retries,
      tags: p.scenario.tags,
      expectedSeconds: p.expectedSeconds,
      expectedFrom: p.expectedFrom,
      priority: p.priority,
    })),
    worktrees: plan.worktrees.map((name) => ({
      name,
      path: worktreePath(ctx.basePath, name),
      state: presence.get(name),
    })),
    criticalPath: plan.criticalPath,
    criticalPathSeconds: plan.criticalPathSeconds,
    totals: {
      scenarios: plan.scenarios.length,
      pulledIn: plan.scenarios.filter((p) => p.pulledIn).length,
      excluded: plan.excluded,
      worktrees: plan.worktrees.length,
      worktreesPresent: [...presence.values()].filter((p) => p === "present").length,
      expectedSeconds: plan.totalExpectedSeconds,
    },
    workers,
    expectedWallSeconds: estimateMakespan(plan, workers, ctx.pipeline.test.maxPerWorktree),
    planHash: ctx.planHash,
    ...(ctx.shard
      ? {
          shard: {
            index: ctx.shard.index,
            count: ctx.shard.count,
            groups: ctx.shard.assignment.groups,
            shards: ctx.shard.assignment.shards,
            ...(ctx.shard.assignment.oversized ? { oversized: ctx.shard.assignment.oversized } : {}),
          },
        }
      : {}),
  };
}
