/**
 * A scenario's definition as a short hash: what decides what its test command does (the worktree it
 * runs in, its test_file, the command template, its own or the pipeline's, and its env). The report
 * keeps it per scenario so that `grove run --resume` can tell a pass that still describes the scenario
 * from one made by a command that has since changed. Not in it: timeouts, retries, tags, dependencies
 * (they change when or whether it runs, not what a pass of it means). Pure.
 */
import { createHash } from "node:crypto";
import type { Scenario } from "../config/types.js";

export function scenarioDefinition(scenario: Scenario, pipelineTestRun: readonly string[]): string {
  return createHash("sha256")
    .update(JSON.stringify(definitionFields(scenario, pipelineTestRun)))
    .digest("hex")
    .slice(0, 16);
}

/** What the definition covers, as JSON-able fields (the plan's hash takes them as they are). */
export function definitionFields(scenario: Scenario, pipelineTestRun: readonly string[]): unknown[] {
  const env =
    Object.keys(scenario.env).length > 0
      ? Object.entries(scenario.env).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      : [];
  return [scenario.worktree, scenario.testFile ?? null, scenario.run ?? pipelineTestRun, env];
}

/** Every scenario's definition, by name (for the report's `definition`). */
export function scenarioDefinitions(
  scenarios: readonly Scenario[],
  pipelineTestRun: readonly string[],
): Map<string, string> {
  return new Map(scenarios.map((s) => [s.name, scenarioDefinition(s, pipelineTestRun)]));
}
