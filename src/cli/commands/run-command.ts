/** `grove run` (and bare `grove [options]`, the original's spelling): run, report, exit with the verdict. */

import { resolve } from "node:path";
import v8 from "node:v8";
import { newRunDir, runsDir } from "../../config/grove-dir.js";
import { setInPipeline } from "../../config/load-pipeline.js";
import { UsageError } from "../../errors.js";
import { scenarioDefinitions } from "../../plan/scenario-definition.js";
import { fitWorkersToOpenFiles, openFilesLimit } from "../../resources/open-files-limit.js";
import { describeDeadRun } from "../../run/dead-runs.js";
import { newRunId } from "../../run/execute-run.js";
import { DEFAULT_KEEP_RUNS, pruneRuns } from "../../run/prune-runs.js";
import { runAndReport } from "../../run/run-and-report.js";
import { coordinatorRefProblem } from "../../steps/check-ref.js";
import { shellQuote } from "../../util/shell-quote.js";
import { EXIT } from "../exit-codes.js";
import { listenForInterrupts } from "../interrupts.js";
import { PLAN_OUTPUT_OPTIONS, PLAN_SHAPING_OPTIONS, resolveWorkers, SELECTION_OPTIONS } from "../options.js";
import { formatOptions, type OptionSpecs, parseArgs } from "../parse-args.js";
import { checkOutputDirectory } from "../preflight.js";
import { resolveContext } from "../resolve-context.js";
import { describeResume, planResume } from "../resume.js";
import { createRunReporters } from "../run-reporters.js";
import type { CommandIo } from "./command-io.js";
import { printPlan } from "./plan-command.js";

export const RUN_OPTIONS = {
  ...SELECTION_OPTIONS,
  ...PLAN_SHAPING_OPTIONS,
  "max-failures": {
    type: "integer",
    min: 1,
    max: 1_000_000,
    valueName: "N",
    short: { x: "1" },
    description: "After N failures start nothing new; the rest is reported as skipped (max-failures); -x = 1",
  },
  junit: { type: "string", valueName: "FILE", description: "Also write JUnit XML here" },
  "setup-worktrees": { type: "boolean", description: "Create and set up missing worktrees first" },
  "pull-coordinator": { type: "boolean", description: "Merge the coordinator ref into each worktree first" },
  "coordinator-ref": {
    type: "string",
    valueName: "REF",
    description: "Ref to pull (overrides the pipeline's pull.from)",
  },
  "no-wait": {
    type: "boolean",
    description:
      "Skip the scenarios of a worktree another run is using (reason worktree-busy) instead of waiting",
  },
  cleanup: { type: "boolean", description: "Remove the worktrees Grove created (never ones holding work)" },
  "keep-worktrees": { type: "boolean", description: "With --cleanup: keep worktrees, remove nothing" },
  "fail-on-leak": { type: "boolean", description: "Leaked processes or resources fail the run (exit 1)" },
  "keep-leaks": { type: "boolean", description: "Report leaked processes but do not end them" },
  "keep-runs": {
    type: "integer",
    min: 0,
    max: 100_000,
    valueName: "N",
    description: "Keep the last N runs in .grove/runs, removing older ones (default 20; 0 keeps all)",
  },
  "run-dir": {
    type: "string",
    valueName: "DIR",
    description: "Where logs go (default <main-repo>/.grove/runs/<run-id>)",
  },
  inspect: {
    type: "integer",
    implicitValue: "0",
    min: 0,
    max: 65535,
    valueName: "PORT",
    description: "Serve the live inspector on 127.0.0.1 (a free port unless given); prints its URL",
  },
  record: { type: "boolean", negatable: true, description: "Record the run for grove inspect (default on)" },
  reporter: {
    type: "string",
    multiple: true,
    valueName: "NAME[,NAME]",
    description:
      "Outputs: board (TTY default) | line (default elsewhere) | ndjson (events on stdout) | github (default under GITHUB_ACTIONS) | json | junit | html",
  },
  "html-report": {
    type: "string",
    valueName: "FILE",
    description: "Where --reporter html writes (default integration_report.html)",
  },
  "dry-run": {
    type: "boolean",
    description: "Validate and print the plan; run nothing (same as grove plan)",
  },
  ...PLAN_OUTPUT_OPTIONS,
} satisfies OptionSpecs;

const RUN_HELP = `Usage: grove run [options] [NAME|GLOB...]

Run the scenarios (or those named, with their dependencies) on N workers, critical path first; skip dependents of a failure; write the JSON
report (and JUnit XML with --junit); print a summary. \`grove [options]\` is the same command.
Ctrl-C stops starting scenarios, ends running process groups (tests, setup steps, git) in every
stage, runs after steps and writes a partial report (exit 130); a second Ctrl-C ends everything at once.
Another run using a worktree is waited for (--no-wait skips its scenarios); what a killed run left
running is ended first.

Options:
${formatOptions(RUN_OPTIONS)}

Examples:
  grove run
  grove run --workers 8 --filter-tag parser --report out/report.json --junit out/junit.xml
  grove run --setup-worktrees --pull-coordinator --cleanup
  grove run 'parser_*' lexer_basics -j 2          (named scenarios and their dependencies)
  grove run --last-failed -x                      (what failed last time; stop at the first failure)
  grove run --shard 2/4 --report shard-2.json     (this machine's part; grove merge-reports joins them)
  grove --dry-run --no-parallel                  (the original coordinator's spelling)

Exit codes: 0 all passed; 1 something failed, errored, timed out or was skipped because of that
(a worktree busy under --no-wait included); 2 configuration or usage error; 3 a bug in Grove;
4 filters matched nothing; 5 the environment failed (open files, disk, port, git); 130 interrupted.
`;

/**
 * From this many scenarios a run turns on V8's memory-saving mode (`--optimize-for-size`): 10,000
 * scenarios peak at ~200 MB instead of ~280 MB (bench/memory.ts). Not below: at 1,000 it costs ~5% of
 * Grove's CPU (perf, interleaved), and the memory it saves there is a few MB. Not for planning either
 * (it comes after): in that mode V8 grows the heap in small steps, each after a full collection, and
 * planning 100,000 scenarios took ~30 of them (GC 40% of its CPU).
 */
const MEMORY_SAVING_FROM = 5_000;

function saveMemoryForLargeRuns(scenarios: number): void {
  if (scenarios >= MEMORY_SAVING_FROM) v8.setFlagsFromString("--optimize-for-size");
}

export async function runCommand(argv: readonly string[], io: CommandIo): Promise<number> {
  const { values, positionals } = parseArgs(argv, RUN_OPTIONS, "run");
  if (values.help) {
    io.stdout(RUN_HELP);
    return EXIT.ok;
  }
  const { workers: requested, warning } = resolveWorkers(values.workers, values.parallel);
  if (warning) io.stderr(`grove: warning: ${warning}\n`);
  const graph = values.graph;
  if (graph !== undefined && graph !== "dot" && graph !== "mermaid")
    throw new UsageError(`--graph expects "dot" or "mermaid", got "${graph}"`);
  const maxFailures = values["max-failures"];
  if (values["dry-run"]) return printPlan(values, io, requested, positionals);
  const fitted = fitWorkersToOpenFiles(requested, openFilesLimit());
  if (fitted.warning) io.stderr(`grove: warning: ${fitted.warning}\n`);
  const workers = fitted.workers;

  const reportPath = resolve(io.cwd, values.report ?? "integration_report.json");
  const ctx = await resolveContext(values, io.cwd, positionals, reportPath);
  if (values["pull-coordinator"] && !values["coordinator-ref"] && !ctx.pipeline.pull.from) {
    throw new UsageError(
      `--pull-coordinator needs a ref to merge: pass --coordinator-ref REF or ${setInPipeline(ctx.pipeline, "pull.from")}`,
    );
  }
  if (!ctx.mainRepoIsGit)
    throw new UsageError(`${ctx.mainRepo} is not a git repository; pass --main-repo PATH`);
  const resumed = values.resume ? planResume(ctx, reportPath) : undefined;
  if (values.resume && !resumed)
    io.stderr(`grove: nothing to resume from (${reportPath} is missing or unreadable); running everything\n`);
  if (resumed) {
    io.stdout(describeResume(resumed));
    if (resumed.plan.scenarios.length === 0) {
      io.stdout("Nothing left to run: every selected scenario passed.\n");
      return EXIT.ok;
    }
    ctx.plan = resumed.plan;
  }
  saveMemoryForLargeRuns(ctx.plan.scenarios.length);
  const runId = newRunId();
  const runDir = values["run-dir"] ? resolve(io.cwd, values["run-dir"]) : newRunDir(ctx.mainRepo, runId);
  if (values["run-dir"]) checkOutputDirectory(runDir, "--run-dir");
  // `grove inspect RUN-ID` looks only under .grove/runs: a run elsewhere is found by its directory.
  const replay = values["run-dir"] ? shellQuote(runDir) : runId;
  if (values["pull-coordinator"]) {
    const ref = values["coordinator-ref"] ?? ctx.pipeline.pull.from!;
    const problem = await coordinatorRefProblem(ctx.mainRepo, ref, ctx.pipeline.pull.remote);
    if (problem)
      throw new UsageError(
        `${values["coordinator-ref"] ? "--coordinator-ref" : `pull.from in ${ctx.pipeline.source}`}: ${problem}`,
      );
  }
  // Old runs go while this one runs; removed by the time it exits.
  const pruning = values["run-dir"]
    ? undefined
    : pruneRuns(runsDir(ctx.mainRepo), values["keep-runs"] ?? DEFAULT_KEEP_RUNS, runId);
  const outputs = await createRunReporters({
    values,
    io,
    runId,
    replay,
    runDir,
    reportPath,
    mainRepo: ctx.mainRepo,
    plan: ctx.plan,
    pipeline: ctx.pipeline,
    // A shard leaves the timings alone: the next shard run here must partition as the others did.
    // The merge job records them for the whole run (grove merge-reports --record-timings).
    recordTimings: !ctx.shard,
  });

  const signals = listenForInterrupts(io, "stopping: no new scenarios; ending running ones");
  try {
    const { exitCode } = await runAndReport({
      plan: ctx.plan,
      pipeline: ctx.pipeline,
      mainRepo: ctx.mainRepo,
      basePath: ctx.basePath,
      runId,
      runDir,
      workers,
      reporter: outputs.reporter,
      ...(outputs.recorder ? { inspect: outputs.recorder.inspect, onStep: outputs.recorder.step } : {}),
      interrupt: signals.interrupt,
      hardStop: signals.hardStop,
      setupWorktrees: values["setup-worktrees"] === true,
      pullCoordinator: values["pull-coordinator"] === true,
      ...(values["coordinator-ref"] ? { coordinatorRef: values["coordinator-ref"] } : {}),
      noWait: values["no-wait"] === true,
      cleanup: values.cleanup === true && values["keep-worktrees"] !== true,
      keepLeaks: values["keep-leaks"] === true,
      onDeadRun: (dead) => io.stderr(`${describeDeadRun(dead).join("\n")}\n`),
      onEnvironmentFailure: (failure) =>
        io.stderr(`grove: ${failure.message}\n  stopping: nothing new starts; running scenarios are ended\n`),
      ...(maxFailures !== undefined ? { maxFailures } : {}),
      scenariosFile: ctx.scenariosFile,
      planHash: ctx.planHash,
      ...(ctx.shard
        ? {
            shard: {
              index: ctx.shard.index,
              count: ctx.shard.count,
              plan_scenarios: ctx.shard.assignment.shards.reduce((t, s) => t + s.scenarios.length, 0),
            },
          }
        : {}),
      testFiles: new Map(
        ctx.loaded.scenarios.flatMap((s) =>
          s.testFile !== undefined ? [[s.name, s.testFile] as const] : [],
        ),
      ),
      definitions: scenarioDefinitions(ctx.loaded.scenarios, ctx.pipeline.test.run),
      dependencies: new Map(ctx.loaded.scenarios.map((s) => [s.name, s.dependencies])),
      ...(resumed ? { carried: resumed.carried } : {}),
      failOnLeak: values["fail-on-leak"] === true,
    });
    // Always, live page or not: once the live server has gone, this is how to see the run again.
    if (outputs.recorder)
      outputs.human(`Replay: grove inspect ${replay}
`);
    return exitCode;
  } finally {
    await outputs.close();
    await pruning;
    signals.dispose();
  }
}
