/** `grove plan`: validate everything and show what would run, in which order, and why. */
import { resolve } from "node:path";
import { UsageError } from "../../errors.js";
import { renderDot, renderMermaid } from "../../plan/render-graph.js";
import { EXIT } from "../exit-codes.js";
import { PLAN_OUTPUT_OPTIONS, PLAN_SHAPING_OPTIONS, resolveWorkers, SELECTION_OPTIONS } from "../options.js";
import { formatOptions, type OptionSpecs, type OptionValues, parseArgs } from "../parse-args.js";
import { planToJson, renderPlanText, worktreePresence } from "../render-plan.js";
import { resolveContext } from "../resolve-context.js";
import { describeResume, planResume } from "../resume.js";
import type { CommandIo } from "./command-io.js";

export const PLAN_OPTIONS = {
  ...SELECTION_OPTIONS,
  ...PLAN_SHAPING_OPTIONS,
  ...PLAN_OUTPUT_OPTIONS,
} satisfies OptionSpecs;

const PLAN_HELP = `Usage: grove plan [options] [NAME|GLOB...]

Validate scenarios.json and the pipeline, and print the scenarios in run order with their worktree,
dependencies, timeout and tags, whether each worktree exists, the critical path, totals and the
expected wall time on --workers N.
Nothing is run. Same as \`grove run --dry-run\`.

Options:
${formatOptions(PLAN_OPTIONS)}

Examples:
  grove plan
  grove plan --filter-tag parser --no-deps --assume-deps-passed
  grove plan 'parser_*' --shard 2/4
  grove plan --workers 8 --last-failed --report out/report.json
  grove plan --resume                     (what grove run --resume would run)
  grove plan --json > plan.json
  grove plan --graph dot | dot -Tsvg > plan.svg
`;

export async function planCommand(argv: readonly string[], io: CommandIo): Promise<number> {
  const { values, positionals } = parseArgs(argv, PLAN_OPTIONS, "plan");
  if (values.help) {
    io.stdout(PLAN_HELP);
    return EXIT.ok;
  }
  const { workers, warning } = resolveWorkers(values.workers, values.parallel);
  if (warning) io.stderr(`grove: warning: ${warning}\n`);
  return printPlan(values, io, workers, positionals);
}

/** Shared by `grove plan` and `grove run --dry-run`. */
export async function printPlan(
  values: OptionValues<typeof PLAN_OPTIONS>,
  io: CommandIo,
  workers: number,
  positionals: readonly string[] = [],
): Promise<number> {
  const graph = values.graph;
  if (graph !== undefined && graph !== "dot" && graph !== "mermaid") {
    throw new UsageError(`--graph expects "dot" or "mermaid", got "${graph}"`);
  }
  const reportPath = resolve(io.cwd, values.report ?? "integration_report.json");
  const ctx = await resolveContext(values, io.cwd, positionals, reportPath);
  if (values.resume) {
    // What `grove run --resume` would run; said on stderr, so that --json stays one document.
    const resumed = planResume(ctx, reportPath);
    if (!resumed)
      io.stderr(
        `grove: nothing to resume from (${reportPath} is missing or unreadable); planning everything\n`,
      );
    else {
      io.stderr(describeResume(resumed));
      ctx.plan = resumed.plan;
    }
  }
  const presence = worktreePresence(ctx.basePath, ctx.plan.worktrees);
  if (graph === "dot") io.stdout(renderDot(ctx.plan));
  else if (graph === "mermaid") io.stdout(renderMermaid(ctx.plan));
  else if (values.json) io.stdout(`${JSON.stringify(planToJson(ctx, presence, workers), null, 2)}\n`);
  else io.stdout(renderPlanText(ctx, presence, workers));
  return EXIT.ok;
}
