/** `grove run` (and bare `grove [options]`, the original's spelling). */

import { UsageError } from "../../errors.js";
import { EXIT } from "../exit-codes.js";
import { PLAN_OUTPUT_OPTIONS, SELECTION_OPTIONS } from "../options.js";
import { formatOptions, type OptionSpecs, parseArgs } from "../parse-args.js";
import type { CommandIo } from "./command-io.js";
import { printPlan } from "./plan-command.js";

export const RUN_OPTIONS: OptionSpecs = {
  ...SELECTION_OPTIONS,
  parallel: {
    type: "boolean",
    negatable: true,
    description: "Run scenarios in parallel (default on; --no-parallel = one worker)",
  },
  workers: { type: "integer", valueName: "N", description: "Worker slots (default 4)" },
  report: {
    type: "string",
    valueName: "FILE",
    description: "JSON report path (default integration_report.json)",
  },
  junit: { type: "string", valueName: "FILE", description: "Also write JUnit XML here" },
  "setup-worktrees": { type: "boolean", description: "Create and set up missing worktrees first" },
  "pull-coordinator": { type: "boolean", description: "Merge the coordinator ref into each worktree first" },
  "coordinator-ref": {
    type: "string",
    valueName: "REF",
    description: "Ref to pull (overrides the pipeline's pull.from)",
  },
  cleanup: { type: "boolean", description: "Remove the worktrees Grove created (never ones holding work)" },
  "keep-worktrees": { type: "boolean", description: "With --cleanup: keep worktrees, remove nothing" },
  "fail-on-leak": { type: "boolean", description: "Leaked processes or resources fail the run (exit 1)" },
  "keep-leaks": { type: "boolean", description: "Report leaked processes but do not end them" },
  "run-dir": {
    type: "string",
    valueName: "DIR",
    description: "Where logs go (default <main-repo>/.grove/runs/<run-id>)",
  },
  "dry-run": {
    type: "boolean",
    description: "Validate and print the plan; run nothing (same as grove plan)",
  },
  ...PLAN_OUTPUT_OPTIONS,
};

export const RUN_HELP = `Usage: grove run [options]

Run the scenarios on N workers, critical path first; skip dependents of a failure; write the JSON
report (and JUnit XML with --junit); print a summary. \`grove [options]\` is the same command.

Options:
${formatOptions(RUN_OPTIONS)}

Examples:
  grove run
  grove run --workers 8 --filter-tag parser --report out/report.json --junit out/junit.xml
  grove run --setup-worktrees --pull-coordinator --cleanup
  grove --dry-run --no-parallel                  (the original coordinator's spelling)

Exit codes: 0 all passed; 1 something failed, errored, timed out or was skipped because of that;
2 configuration or usage error; 3 internal error; 4 filters matched nothing; 130 interrupted.
`;

export async function runCommand(argv: readonly string[], io: CommandIo): Promise<number> {
  const { values } = parseArgs(argv, RUN_OPTIONS, "run");
  if (values.help) {
    io.stdout(RUN_HELP);
    return EXIT.ok;
  }
  if (values["dry-run"]) return printPlan(values, io);
  throw new UsageError("grove run without --dry-run is not available yet; use grove plan");
}
