/** Option specs shared by `grove run` and `grove plan`: the original coordinator's flags plus Grove's. */
import { UsageError } from "../errors.js";
import type { OptionSpecs } from "./parse-args.js";

export const SELECTION_OPTIONS = {
  "main-repo": {
    type: "string",
    valueName: "PATH",
    description: "Main repository (default: the git top level of the current directory)",
  },
  "base-path": {
    type: "string",
    valueName: "PATH",
    description: "Worktrees directory (default: <main-repo>-worktrees beside the main repo)",
  },
  scenarios: {
    type: "string",
    valueName: "FILE",
    description: "Scenarios file (default: scenarios.json here, else in the main repository)",
  },
  pipeline: {
    type: "string",
    valueName: "FILE",
    description: "Pipeline YAML (default: grove.pipeline.yaml in the main repo, else built-in pytest)",
  },
  "filter-tag": {
    type: "string",
    multiple: true,
    valueName: "TAG",
    description: "Only scenarios with this tag (any of)",
  },
  "filter-worktree": {
    type: "string",
    multiple: true,
    valueName: "WT",
    description: "Only scenarios in this worktree (any of)",
  },
  deps: {
    type: "boolean",
    negatable: true,
    description: "Pull in dependencies of selected scenarios (default on)",
  },
  "assume-deps-passed": {
    type: "boolean",
    description: "With --no-deps: treat dependencies left out as passed",
  },
  grep: { type: "string", valueName: "REGEX", description: "Only scenarios whose name matches REGEX" },
  "last-failed": {
    type: "boolean",
    description: "Only what did not pass in the last report (--report; default integration_report.json)",
  },
  shard: {
    type: "string",
    valueName: "i/n",
    description: "Run part i of n: dependency-connected scenarios and each worktree stay together",
  },
  "shard-split-worktrees": {
    type: "boolean",
    description: "With --shard: a worktree's scenarios may go to several shards (each sets it up)",
  },
  help: { type: "boolean", description: "Show this help" },
} satisfies OptionSpecs;

export const PLAN_OUTPUT_OPTIONS = {
  json: { type: "boolean", description: "Print the plan as JSON" },
  graph: { type: "string", valueName: "dot|mermaid", description: "Print the dependency graph" },
} satisfies OptionSpecs;

/**
 * Run flags that also shape what `grove plan` shows: the worker count, the report --last-failed and
 * --resume read, and --resume itself (the plan of what is left).
 */
export const PLAN_SHAPING_OPTIONS = {
  parallel: {
    type: "boolean",
    negatable: true,
    description: "Run scenarios in parallel (default on; --no-parallel = one worker)",
  },
  workers: {
    type: "integer",
    min: 1,
    max: 1024,
    valueName: "N",
    short: { j: null, w: null },
    description: "Worker slots, 1-1024 (default 4)",
  },
  report: {
    type: "string",
    valueName: "FILE",
    description: "JSON report path (default integration_report.json)",
  },
  resume: {
    type: "boolean",
    description: "Run only what did not pass in the last report (e.g. after Ctrl-C); carry the passes over",
  },
} satisfies OptionSpecs;

/**
 * --workers N (default 4); --no-parallel means one worker and wins over --workers, as the original
 * meant it (its scripts may pass both). --workers 0 hung the original: refuse it.
 */
export function resolveWorkers(
  workers: number | undefined,
  parallel: boolean | undefined,
): { workers: number; warning?: string } {
  if (workers !== undefined && workers < 1)
    throw new UsageError(`--workers must be at least 1 (got ${workers})`);
  if (parallel === false) {
    return workers !== undefined && workers > 1
      ? { workers: 1, warning: `--no-parallel runs one scenario at a time; --workers ${workers} is ignored` }
      : { workers: 1 };
  }
  return { workers: workers ?? 4 };
}
