/**
 * The programmatic API, mirroring the original coordinator's: register scenarios, run them all,
 * generate the report, and the worktree lifecycle (verify_worktree_setup, setup_worktree,
 * pull_coordinator_changes, cleanup_worktrees). Built on the same planner, readiness verdict,
 * machines and steps as the CLI. A Coordinator can run any number of times in one process (the
 * original hung on the second run).
 */
import { join } from "node:path";
import { newRunDir } from "../config/grove-dir.js";
import { loadPipeline, setInPipeline } from "../config/load-pipeline.js";
import { loadScenariosFile, parseScenarios, type ScenarioInput } from "../config/load-scenarios.js";
import { worktreeNameProblem } from "../config/names.js";
import type { Pipeline, Scenario } from "../config/types.js";
import { branchCollisions } from "../config/worktree-rules.js";
import { ConfigError, NothingSelectedError, UsageError } from "../errors.js";
import type { EventListener, ScenarioResult } from "../events.js";
import { createRunRecorder } from "../inspector/run-source.js";
import { describePlanProblems } from "../plan/describe-problems.js";
import { pipelinePlanDefaults, planScenarios } from "../plan/plan.js";
import type { SelectionFilters } from "../plan/select.js";
import type { Report } from "../reporters/build-report.js";
import { writeJsonReport } from "../reporters/json-reporter.js";
import { CompositeReporter } from "../reporters/reporter.js";
import { readTimings } from "../reporters/timings-store.js";
import { shellQuote } from "../util/shell-quote.js";
import { newRunId } from "./execute-run.js";
import { runAndReport } from "./run-and-report.js";
import {
  type CleanResult,
  cleanWorktrees,
  driveWorktrees,
  type LifecycleOptions,
  listWorktrees,
  type WorktreeListing,
  type WorktreeOutcome,
  type WorktreeScope,
} from "./worktree-operations.js";

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
  /** `--setup-worktrees`: create missing worktrees, set up where the readiness verdict asks for it. */
  setupWorktrees?: boolean;
  /** `--pull-coordinator`: merge the coordinator ref into each worktree first. */
  pullCoordinator?: boolean;
  /** The ref to pull (default: the pipeline's `pull.from`). */
  coordinatorRef?: string;
  /** `--cleanup`: afterwards remove the worktrees Grove created, never ones holding work. */
  cleanup?: boolean;
}

/** Which worktrees a lifecycle method acts on: one name, several, or (default) every registered one. */
export type WorktreeSelection = string | readonly string[];

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
    const collisions = branchCollisions(this.pipeline.worktree.branch, this.scenarios, this.pipeline.source);
    if (collisions.length)
      throw new ConfigError(
        collisions.map((p) => ({
          location: { file: "<registered scenarios>", path: `/${p.path.join("/")}` },
          message: p.message,
          ...(p.hint ? { hint: p.hint } : {}),
        })),
      );
    // The planning options a CLI run has (the pipeline's defaults and the recorded durations, so the
    // critical path goes first), with the API's filters.
    const result = planScenarios(this.scenarios, {
      filters: options.filters ?? {},
      ...pipelinePlanDefaults(this.pipeline.test),
      timings: readTimings(this.options.mainRepo),
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
    const ref = options.coordinatorRef ?? this.pipeline.pull.from;
    if (options.pullCoordinator && !ref)
      throw new UsageError(
        `pullCoordinator needs a ref to merge: pass coordinatorRef or ${setInPipeline(this.pipeline, "pull.from")}`,
      );
    const runId = newRunId();
    const runDir = this.options.runsDir
      ? join(this.options.runsDir, runId)
      : newRunDir(this.options.mainRepo, runId);
    // Recorded for `grove inspect`, like a CLI run.
    const recorder = createRunRecorder(
      runDir,
      runId,
      this.options.runsDir ? shellQuote(runDir) : runId,
      result.plan,
      this.pipeline,
    );
    const { outcome, report } = await runAndReport({
      plan: result.plan,
      pipeline: this.pipeline,
      mainRepo: this.options.mainRepo,
      basePath: this.basePath,
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
      setupWorktrees: options.setupWorktrees ?? false,
      pullCoordinator: options.pullCoordinator ?? false,
      ...(ref ? { coordinatorRef: ref } : {}),
      cleanup: options.cleanup ?? false,
      ...(options.signal ? { interrupt: options.signal } : {}),
    });
    this.last = report;
    return outcome.results;
  }

  /**
   * The readiness verdict on each worktree (the original's `verify_worktree_setup`), decided by the
   * same function `grove run` uses: `state` is `ready` or the problem its scenarios would be skipped
   * with. Runs the verify checks; changes nothing.
   */
  async verifyWorktreeSetup(worktrees?: WorktreeSelection): Promise<WorktreeListing[]> {
    return listWorktrees(this.scope(), this.worktreeNames(worktrees), this.pipeline.pull.from);
  }

  /**
   * Creates missing worktrees and runs the pipeline's setup where the verdict asks for it: verify
   * fails, Grove's setup never finished, or the setup definition changed since Grove ran it (the
   * original's `setup_worktree`). A worktree that already passes verify is left as it is.
   */
  async setupWorktree(
    worktrees?: WorktreeSelection,
    options: Omit<LifecycleOptions, "coordinatorRef"> = {},
  ): Promise<WorktreeOutcome[]> {
    return this.drive(worktrees, { setup: true, pull: false }, options);
  }

  /**
   * Merges the coordinator ref (`options.coordinatorRef`, else the pipeline's `pull.from`) into each
   * worktree (the original's `pull_coordinator_changes`). A conflict is aborted and reported as
   * `merge-conflict`; the worktree is left as it was.
   */
  async pullCoordinatorChanges(
    worktrees?: WorktreeSelection,
    options: LifecycleOptions = {},
  ): Promise<WorktreeOutcome[]> {
    const ref = options.coordinatorRef ?? this.pipeline.pull.from;
    if (!ref)
      throw new UsageError(
        `nothing to pull: pass coordinatorRef or ${setInPipeline(this.pipeline, "pull.from")}`,
      );
    return this.drive(worktrees, { setup: false, pull: true }, { ...options, coordinatorRef: ref });
  }

  /**
   * Removes the worktrees Grove created, keeping any that hold work, with the reasons (the original's
   * `cleanup_worktrees`, which lost work). `dryRun` says what would happen and changes nothing.
   */
  async cleanupWorktrees(
    worktrees?: WorktreeSelection,
    options: { dryRun?: boolean } = {},
  ): Promise<CleanResult[]> {
    return cleanWorktrees(this.scope(), this.worktreeNames(worktrees), options.dryRun ?? false);
  }

  private scope(): WorktreeScope {
    return {
      mainRepo: this.options.mainRepo,
      basePath: this.basePath,
      pipeline: this.pipeline,
      ...(this.options.runsDir ? { runsDir: this.options.runsDir } : {}),
    };
  }

  private get basePath(): string {
    return this.options.basePath ?? `${this.options.mainRepo}-worktrees`;
  }

  /** The worktree machines for `worktrees`, reporting to the coordinator's `onEvent` unless overridden. */
  private drive(
    worktrees: WorktreeSelection | undefined,
    what: { setup: boolean; pull: boolean },
    options: LifecycleOptions,
  ): Promise<WorktreeOutcome[]> {
    const onEvent = options.onEvent ?? this.options.onEvent;
    return driveWorktrees(this.scope(), this.worktreeNames(worktrees), what, {
      ...options,
      ...(onEvent ? { onEvent } : {}),
    });
  }

  /** The named worktrees (validated against path escape), or every worktree a registered scenario uses. */
  private worktreeNames(selection: WorktreeSelection | undefined): string[] {
    const names =
      selection === undefined
        ? [...new Set(this.scenarios.map((s) => s.worktree))]
        : typeof selection === "string"
          ? [selection]
          : [...new Set(selection)];
    if (names.length === 0)
      throw new UsageError("no worktree to act on: register scenarios first, or name the worktrees");
    for (const name of names) {
      const problem = worktreeNameProblem(name);
      if (problem) throw new UsageError(`worktree name "${name}" ${problem}`);
    }
    return names;
  }

  /** The report of the last run; written (atomically) to `outputFile` when given. */
  generateReport(outputFile?: string): Report {
    if (!this.last) throw new UsageError("generateReport() needs a finished runAllScenarios() first");
    const report = this.last;
    if (outputFile) writeJsonReport(outputFile, report);
    return report;
  }
}
