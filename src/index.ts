/** Grove's public API: re-exports only. */
export { Coordinator, type CoordinatorOptions, type RunAllOptions, type ScenarioInput } from "./coordinator/coordinator.js";
export { executeRun, type ExecuteRunOptions, type RunOutcome } from "./coordinator/execute-run.js";
export { loadScenariosFile, parseScenarios, type LoadedScenarios } from "./config/load-scenarios.js";
export { loadPipeline, parsePipeline } from "./config/load-pipeline.js";
export type { Pipeline, Scenario, Step } from "./config/types.js";
export { planScenarios, type Plan, type PlannedScenario, type PlanOptions } from "./plan/plan.js";
export { buildReport, type Report } from "./reporters/build-report.js";
export { renderJUnit } from "./reporters/junit-reporter.js";
export * from "./events.js";
export * from "./errors.js";
