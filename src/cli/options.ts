/** Option specs shared by `grove run` and `grove plan`: the original coordinator's flags plus Grove's. */
import type { OptionSpecs } from "./parse-args.js";

export const SELECTION_OPTIONS: OptionSpecs = {
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
  scenarios: { type: "string", valueName: "FILE", description: "Scenarios file (default: scenarios.json)" },
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
};

export const PLAN_OUTPUT_OPTIONS: OptionSpecs = {
  json: { type: "boolean", description: "Print the plan as JSON" },
  graph: { type: "string", valueName: "dot|mermaid", description: "Print the dependency graph" },
};
