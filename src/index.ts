/** Grove's public API: re-exports only. */

export { loadPipeline, parsePipeline } from "./config/load-pipeline.js";
export { type LoadedScenarios, loadScenariosFile, parseScenarios } from "./config/load-scenarios.js";
export type { Pipeline, Scenario, Step } from "./config/types.js";
export * from "./errors.js";
export * from "./events.js";
export { type Plan, type PlannedScenario, type PlanOptions, planScenarios } from "./plan/plan.js";
export { buildReport, type Report } from "./reporters/build-report.js";
export { renderJUnit } from "./reporters/junit-reporter.js";
export {
  Coordinator,
  type CoordinatorOptions,
  type RunAllOptions,
  type ScenarioInput,
  type WorktreeSelection,
} from "./run/coordinator.js";
export { type ExecuteRunOptions, executeRun, type RunOutcome } from "./run/execute-run.js";
export type {
  CleanResult,
  LifecycleOptions,
  WorktreeListing,
  WorktreeOutcome,
} from "./run/worktree-operations.js";
