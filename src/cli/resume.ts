/**
 * `grove run --resume`: run again only what did not pass in the last report (an interrupted run's
 * partial report included). Scenarios that passed there are not rerun; their dependents treat them as
 * passed, and their results are carried into the new report, marked with the run they came from.
 * A pass is carried only while it still describes the scenario: one whose definition (command,
 * test_file, env, worktree; plan/scenario-definition.ts) changed since runs again.
 */
import { readFileSync } from "node:fs";
import { isAbsolute, resolve } from "node:path";
import type { ScenarioResult } from "../events.js";
import { emptyPlan, type Plan, planScenarios } from "../plan/plan.js";
import { scenarioDefinition } from "../plan/scenario-definition.js";
import type { Report } from "../reporters/build-report.js";
import type { RunContext } from "./resolve-context.js";

export interface ResumePlan {
  plan: Plan;
  carried: ScenarioResult[];
  fromRun: string;
  /** Scenarios that passed there but whose definition changed since: run again; sorted by name. */
  changed: string[];
  /**
   * Scenarios that passed there, unchanged, but depend on one that runs again: their pass was made
   * after the old one, so they run again too (a carried pass never rests on a dependency that reruns,
   * which could now fail). Sorted by name.
   */
  dependents: string[];
}

/** Undefined when there is no usable report to resume from (then everything runs). */
export function planResume(ctx: RunContext, reportPath: string): ResumePlan | undefined {
  let previous: Report;
  try {
    previous = JSON.parse(readFileSync(reportPath, "utf8")) as Report;
  } catch {
    return undefined;
  }
  if (!Array.isArray(previous.scenarios)) return undefined;
  const passedThen = new Map(previous.scenarios.filter((s) => s.status === "passed").map((s) => [s.name, s]));
  const changed: string[] = [];
  const passed = new Map<string, (typeof previous.scenarios)[number]>();
  for (const p of ctx.plan.scenarios) {
    const s = passedThen.get(p.name);
    if (!s) continue;
    // A report from before definitions were recorded (or the original coordinator's): its worktree
    // and test_file, where it has them, are all it says.
    const same =
      s.definition !== undefined
        ? s.definition === scenarioDefinition(p.scenario, ctx.pipeline.test.run)
        : (s.worktree === undefined || s.worktree === p.scenario.worktree) &&
          (s.test_file === undefined || s.test_file === p.scenario.testFile);
    if (same) passed.set(p.name, s);
    else changed.push(p.name);
  }
  // Down the dependency edges from everything that runs again: a chain a -> b -> c where only a
  // changed moves b, then c (one walk, each edge once).
  const dependentsOf = new Map<string, string[]>();
  for (const p of ctx.plan.scenarios)
    for (const d of p.dependencies) {
      const list = dependentsOf.get(d);
      if (list) list.push(p.name);
      else dependentsOf.set(d, [p.name]);
    }
  const dependents: string[] = [];
  const reruns = ctx.plan.scenarios.map((p) => p.name).filter((name) => !passed.has(name));
  for (let i = 0; i < reruns.length; i++)
    for (const d of dependentsOf.get(reruns[i]!) ?? [])
      if (passed.delete(d)) {
        dependents.push(d);
        reruns.push(d);
      }
  const inPlan = ctx.plan.scenarios.filter((p) => passed.has(p.name));
  const rest = ctx.plan.scenarios.filter((p) => !passed.has(p.name)).map((p) => p.name);
  // The rest is planned with the run's own options (recorded durations included), its names alone and
  // what passed counted as passed.
  const replanned =
    rest.length === 0
      ? { ok: true as const, plan: emptyPlan(ctx.plan, ctx.loaded.scenarios.length) }
      : planScenarios(ctx.loaded.scenarios, {
          ...ctx.planOptions,
          filters: { names: rest },
          withDependencies: false,
          assumeDependenciesPassed: true,
        });
  if (!replanned.ok) return undefined;
  const fromRun = previous.grove?.run_id ?? "previous run";
  // Log paths in a report are relative to its run dir; carried into a new run they must say where.
  const oldRunDir = previous.grove?.run_dir ?? ".";
  const abs = (p: string) => (isAbsolute(p) ? p : resolve(oldRunDir, p));
  const carried = inPlan.map((p): ScenarioResult => {
    const s = passed.get(p.name)!;
    return {
      name: s.name,
      description: s.description,
      worktree: s.worktree,
      tags: s.tags,
      status: "passed",
      reason: s.reason,
      detail: `passed in run ${fromRun} (resumed)`,
      flaky: s.flaky,
      attempts: s.attempt_results.map((a) => ({
        ...a,
        ...(a.test ? { test: { ...a.test, logPath: abs(a.test.logPath) } } : {}),
        steps: a.steps.map((c) => ({ ...c, logPath: abs(c.logPath) })),
      })),
      resumedFrom: fromRun,
    };
  });
  return { plan: replanned.plan, carried, fromRun, changed: changed.sort(), dependents: dependents.sort() };
}

/** The line that says what a resumed run carries over and runs (`grove run --resume`, `grove plan --resume`). */
export function describeResume(resumed: ResumePlan): string {
  const why = [
    resumed.changed.length > 0
      ? `${resumed.changed.length} passed but changed since: ${resumed.changed.join(", ")}`
      : "",
    resumed.dependents.length > 0
      ? `${resumed.dependents.length} passed but depend${resumed.dependents.length === 1 ? "s" : ""} on one that runs again: ${resumed.dependents.join(", ")}`
      : "",
  ].filter(Boolean);
  const changed = why.length > 0 ? ` (${why.join("; ")})` : "";
  return `Resuming run ${resumed.fromRun}: ${resumed.carried.length} passed scenario(s) carried over, ${resumed.plan.scenarios.length} to run${changed}\n`;
}
