/**
 * The programmatic API, mirroring the original coordinator's: register scenarios, run them all,
 * generate the report. Built on the same planner, machines and steps as the CLI. A Coordinator can
 * run any number of times in one process (the original hung on the second run).
 */
import { join } from "node:path";
import { newRunDir } from "../config/grove-dir.js";
import { loadPipeline } from "../config/load-pipeline.js";
import { loadScenariosFile, parseScenarios, type ScenarioInput } from "../config/load-scenarios.js";
import type { Pipeline, Scenario } from "../config/types.js";
import { ConfigError, NothingSelectedError, UsageError } from "../errors.js";
import type { EventListener, ScenarioResult } from "../events.js";
import { createRunRecorder } from "../inspector/run-source.js";
import { describePlanProblems } from "../plan/describe-problems.js";
import { pipelinePlanDefaults, planScenarios } from "../plan/plan.js";
import type { SelectionFilters } from "../plan/select.js";
import type { Report } from "../reporters/build-report.js";
import { writeJsonReport } from "../reporters/json-reporter.js";
import { CompositeReporter } from "../reporters/reporter.js";
import { newRunId } from "./execute-run.js";
import { runAndReport } from "./run-and-report.js";

export type { ScenarioInput };

export interface CoordinatorOptions {
  mainRepo: string;
  /** Default: `<mainRepo>-worktrees`. */
  basePath?: string;
  /** A loaded pipeline, a path to one, or undefined for the built-in default. */
  pipeline?: Pipeline | string;
  /** Where run directories go (default `<mainRepo>/.grove/runs`). */
  runsDir?: string;
  onEvent?: EventListener;
}

export interface RunAllOptions {
  parallel?: boolean;
  maxWorkers?: number;
  filters?: SelectionFilters;
  /** Abort to interrupt the run (like Ctrl-C). */
  signal?: AbortSignal;
}

export class Coordinator {
  private readonly scenarios: Scenario[] = [];
  private readonly pipeline: Pipeline;
  private last?: Report;

  constructor(private readonly options: CoordinatorOptions) {
    this.pipeline = typeof options.pipeline === "object" ? options.pipeline : loadPipeline(options.pipeline);
  }

  /** Validates and adds one scenario; throws ConfigError naming the problem. */
  registerScenario(input: ScenarioInput): void {
    const [scenario] = parseScenarios(
      `<registered scenario "${input.name}">`,
      JSON.stringify({ scenarios: [input] }),
    ).scenarios;
    if (this.scenarios.some((s) => s.name === scenario!.name)) {
      throw new ConfigError([
        {
          location: { file: "<registered scenarios>" },
          message: `duplicate scenario name "${scenario!.name}"`,
        },
      ]);
    }
    this.scenarios.push({ ...scenario!, index: this.scenarios.length });
  }

  /** Adds every scenario of a scenarios.json file. */
  registerScenariosFromConfig(file: string): void {
    for (const s of loadScenariosFile(file).scenarios) {
      if (this.scenarios.some((x) => x.name === s.name)) {
        throw new ConfigError([
          {
            location: { file, path: `/scenarios/${s.index}/name` },
            message: `duplicate scenario name "${s.name}" (already registered)`,
          },
        ]);
      }
      this.scenarios.push({ ...s, index: this.scenarios.length });
    }
  }

  get registered(): readonly Scenario[] {
    return this.scenarios;
  }

  async runAllScenarios(options: RunAllOptions = {}): Promise<ScenarioResult[]> {
    const workers = options.parallel === false ? 1 : (options.maxWorkers ?? 4);
    if (!Number.isInteger(workers) || workers < 1)
      throw new UsageError(`maxWorkers must be a whole number of at least 1 (got ${workers})`);
    const result = planScenarios(this.scenarios, {
      filters: options.filters ?? {},
      ...pipelinePlanDefaults(this.pipeline.test),
    });
    if (!result.ok)
      throw new ConfigError(
        describePlanProblems(result.problems, this.scenarios, (path) => ({
          file: "<registered scenarios>",
          path: `/${path.join("/")}`,
        })),
      );
    if (result.plan.scenarios.length === 0)
      throw new NothingSelectedError("no registered scenario matches the filters");
    const runId = newRunId();
    const runDir = this.options.runsDir
      ? join(this.options.runsDir, runId)
      : newRunDir(this.options.mainRepo, runId);
    // Recorded for `grove inspect`, like a CLI run.
    const recorder = createRunRecorder(runDir, runId, result.plan, this.pipeline);
    const { outcome, report } = await runAndReport({
      plan: result.plan,
      pipeline: this.pipeline,
      mainRepo: this.options.mainRepo,
      basePath: this.options.basePath ?? `${this.options.mainRepo}-worktrees`,
      runId,
      runDir,
      workers,
      reporter: new CompositeReporter([
        recorder,
        this.options.onEvent ? { onEvent: this.options.onEvent } : undefined,
      ]),
      inspect: recorder.inspect,
      onStep: recorder.step,
      scenariosFile: "<registered scenarios>",
      ...(options.signal ? { interrupt: options.signal } : {}),
    });
    this.last = report;
    return outcome.results;
  }

  /** The report of the last run; written (atomically) to `outputFile` when given. */
  generateReport(outputFile?: string): Report {
    if (!this.last) throw new UsageError("generateReport() needs a finished runAllScenarios() first");
    const report = this.last;
    if (outputFile) writeJsonReport(outputFile, report);
    return report;
  }
}
