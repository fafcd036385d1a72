/**
 * Executes a planned run: checks each worktree is there, starts the machines with the real step
 * actors, forwards every change as a GroveEvent, and ends every process group on interrupt.
 * Returns the results; writing reports is the caller's business (run-and-report.ts hands the events
 * and the final report to the reporters; the inspector's recorder is one of them).
 */
import { randomBytes } from "node:crypto";
import type { InspectionEvent } from "xstate";
import type { Pipeline, Scenario } from "../config/types.js";
import { environmentErrorFrom } from "../errors.js";
import {
  type EnvironmentFailure,
  type EventListener,
  type ResourceLeak,
  type ScenarioResult,
  timestamp,
  type WorktreeReport,
} from "../events.js";
import type { Plan } from "../plan/plan.js";
import { type RunSession, withRunSession } from "../resources/run-session.js";
import { type RunScenarioSpec, startRun } from "../scheduler/start-run.js";
import { branchFor } from "../steps/branch-for.js";
import { createScenarioActors } from "../steps/scenario-actors.js";
import { type Spawner, startSpawner } from "../steps/spawner.js";
import { startWorktrees } from "../steps/worktree-lifecycle.js";
import { commonGitDir } from "../steps/worktree-paths.js";
import { type DeadRunCleanup, endDeadRuns } from "./dead-runs.js";

export interface ExecuteRunOptions {
  plan: Plan;
  pipeline: Pipeline;
  mainRepo: string;
  basePath: string;
  runId?: string;
  runDir: string;
  workers: number;
  onEvent?: EventListener;
  /** First abort: stop starting, end running process groups, run after steps. */
  interrupt?: AbortSignal;
  /** Second abort: SIGKILL every live process group at once. */
  hardStop?: AbortSignal;
  inspect?(event: InspectionEvent, actor: string): void;
  /** A scenario machine stepped without an actor (see scheduler/start-run.ts), for the recorder. */
  onStep?(actor: string, event: string, value: unknown, status: string): void;
  /** --setup-worktrees: create missing worktrees and run setup where needed. */
  setupWorktrees?: boolean;
  /** --pull-coordinator: merge the coordinator ref into each worktree first. */
  pullCoordinator?: boolean;
  coordinatorRef?: string;
  /** --no-wait: skip the scenarios of a worktree another live run holds, instead of waiting for it. */
  noWait?: boolean;
  /** --cleanup: remove the worktrees Grove created, unless they hold work. */
  cleanup?: boolean;
  /** --max-failures N: after N failures start nothing new (the rest is skipped as `max-failures`). */
  maxFailures?: number;
  /** --keep-leaks: report leaked processes but leave them running. */
  keepLeaks?: boolean;
  /** The environment failed midway (see RunOutcome.environmentError): told once, as the run stops. */
  onEnvironmentFailure?(failure: EnvironmentFailure): void;
  /**
   * Before anything starts, what dead runs on the repository (Grove killed with kill -9) had left
   * running was ended and their leases and locks released: told here, once per dead run.
   */
  onDeadRun?(cleanup: DeadRunCleanup): void;
}

export interface RunOutcome {
  runId: string;
  runDir: string;
  startedAt: string;
  endedAt: string;
  wallSeconds: number;
  results: ScenarioResult[];
  interrupted: boolean;
  maxConcurrency: number;
  leaks: ResourceLeak[];
  worktrees: WorktreeReport[];
  /**
   * The first failure of the environment (too many open files, no processes left) that stopped the
   * run: from then on nothing new started, running scenarios were ended and the rest cancelled, as on
   * Ctrl-C, rather than failing every scenario after it the same way.
   */
  environmentError?: EnvironmentFailure;
}

/**
 * Spawn helpers (steps/spawner.ts), Python ones or where Python is missing Node ones: two beat one on
 * two cores, by far under load, and four added nothing there (bench/overhead.ts). Booting them costs
 * 15-100 ms of CPU, which a small run does not win back (each start they take over saves ~1 ms of this
 * thread), so runs of fewer scenarios fork from this process.
 */
const SPAWN_HELPERS = 2;
const SPAWN_HELPERS_FROM_SCENARIOS = 50;

export function newRunId(now = new Date()): string {
  const stamp = now.toISOString().replace(/[-:]/g, "").replace("T", "-").slice(0, 15);
  return `${stamp}-${randomBytes(3).toString("hex")}`;
}

export async function executeRun(options: ExecuteRunOptions): Promise<RunOutcome> {
  const runId = options.runId ?? newRunId();
  const emit: EventListener = options.onEvent ?? (() => {});
  const killGraceMs = options.pipeline.test.killGrace * 1000;
  const commonDir = await commonGitDir(options.mainRepo);
  for (const dead of await endDeadRuns({ mainRepo: options.mainRepo, commonDir, killGraceMs }))
    options.onDeadRun?.(dead);
  return withRunSession(
    {
      commonDir,
      runId,
      runDir: options.runDir,
      keepLeaks: options.keepLeaks ?? false,
      killGraceMs,
      onLeak: (leak) => emit({ type: "leak-found", at: timestamp(), leak }),
      ...(options.hardStop ? { hardStop: options.hardStop } : {}),
    },
    (session) => runInSession(options, session, emit),
  );
}

/** The run itself, inside its session (resources/run-session.ts opens and closes it). */
async function runInSession(
  options: ExecuteRunOptions,
  session: RunSession,
  emit: EventListener,
): Promise<RunOutcome> {
  const started = new Date();
  // Started first: the helpers boot while the worktrees are checked. Closed before the session is.
  const spawner = startSpawner(
    options.plan.scenarios.length >= SPAWN_HELPERS_FROM_SCENARIOS
      ? Math.min(options.workers, SPAWN_HELPERS)
      : 0,
  );
  try {
    return await runScenarios(options, session, spawner, emit, started);
  } finally {
    spawner.close();
    if (process.env.GROVE_DEBUG_SPAWNS === "1") {
      const { helper, direct } = spawner.counts();
      process.stderr.write(`grove: spawns via helper ${helper}, from Grove ${direct}\n`);
    }
  }
}

/** Starts the scenarios and the worktrees, and waits for both to finish. */
async function runScenarios(
  options: ExecuteRunOptions,
  { runId, groups, tracker }: RunSession,
  spawner: Spawner,
  emit: EventListener,
  started: Date,
): Promise<RunOutcome> {
  const { plan, pipeline } = options;
  const inspect = options.inspect;
  const scenarios = new Map<string, Scenario>(plan.scenarios.map((p) => [p.name, p.scenario]));
  const slots = new Map<string, number>();
  const { actors, abortAttempt } = createScenarioActors({
    launch: spawner.launch,
    env: { GROVE_TMPDIR: tracker.tempDir },
    afterCommand: (end) =>
      tracker.sweepAttempt({
        scenario: end.scenario,
        attempt: end.attempt,
        ...(end.pgid !== undefined ? { pgid: end.pgid } : {}),
        ...(end.groupLeft !== undefined ? { groupLeft: end.groupLeft } : {}),
        ...(end.nothingLeft ? { nothingLeft: true } : {}),
        sinceTicks: tracker.ticksAt(end.startedAt),
        durationMs: Date.now() - end.startedAt.getTime(),
      }),
    runId,
    runDir: options.runDir,
    mainRepo: options.mainRepo,
    basePath: options.basePath,
    pipeline,
    scenarios,
    branchOf: (wt) => branchFor(pipeline, wt),
    onCommandStarted: (name, attempt, phase, argv, logPath) => {
      tracker.commandStarted(name, attempt);
      if (phase === "test")
        emit({
          type: "attempt-started",
          at: timestamp(),
          name,
          worktree: scenarios.get(name)!.worktree,
          attempt,
          command: argv,
          logPath,
          ...(slots.has(name) ? { slot: slots.get(name)! } : {}),
        });
    },
    onSpawn: (pgid, _scenario, _attempt, startTicks) => groups.started(pgid, startTicks),
    onExit: groups.ended,
    onEnvironmentFailure: (failure) => stopForEnvironment(failure),
  });

  const specs: RunScenarioSpec[] = plan.scenarios.map((p) => ({
    input: {
      name: p.name,
      worktree: p.scenario.worktree,
      retries: p.retries,
      timeoutMs: p.timeout * 1000,
      retryOn: pipeline.test.retryOn,
    },
    about: { description: p.scenario.description, tags: p.scenario.tags },
    schedule: {
      name: p.name,
      worktree: p.scenario.worktree,
      dependencies: p.dependencies,
      dependents: p.dependents,
      priority: p.priority,
      unselectedDependencies: p.unselectedDependencies,
    },
  }));

  emit({
    type: "run-started",
    at: timestamp(started),
    runId,
    runDir: options.runDir,
    scenarios: specs.length,
    workers: options.workers,
    worktrees: plan.worktrees,
  });
  const handle = startRun({
    scenarios: specs,
    shape: { before: pipeline.test.before.map((s) => s.name), after: pipeline.test.after.map((s) => s.name) },
    ready: {
      workers: options.workers,
      maxPerWorktree: pipeline.test.maxPerWorktree,
      assumeDependenciesPassed: plan.assumeDependenciesPassed,
      worktreesStartReady: false,
      ...(options.maxFailures !== undefined ? { maxFailures: options.maxFailures } : {}),
    },
    actors,
    abortAttempt,
    onStatus: (name, status, skip) =>
      emit({
        type: "scenario-status",
        at: timestamp(),
        name,
        worktree: scenarios.get(name)!.worktree,
        status,
        ...(skip ? { reason: skip.reason, detail: skip.detail } : {}),
      }),
    onSlot: (name, slot) => slots.set(name, slot),
    onAttemptFinished: (name, result) =>
      emit({
        type: "attempt-finished",
        at: timestamp(),
        name,
        worktree: scenarios.get(name)!.worktree,
        result,
      }),
    onFinished: (result) => emit({ type: "scenario-finished", at: timestamp(), result }),
    ...(inspect ? { inspect } : {}),
    ...(options.onStep ? { onStep: options.onStep } : {}),
  });

  let environmentError: EnvironmentFailure | undefined;
  let stopForEnvironment = (failure: EnvironmentFailure) => {
    environmentError ??= failure;
  };
  let interrupted = false;
  const onInterrupt = () => {
    interrupted = true;
    handle.interrupt();
  };
  if (options.interrupt?.aborted) onInterrupt();
  options.interrupt?.addEventListener("abort", onInterrupt, { once: true });

  const worktrees = await startWorktrees({
    mainRepo: options.mainRepo,
    basePath: options.basePath,
    pipeline,
    runId,
    runDir: options.runDir,
    worktrees: plan.worktrees,
    setup: options.setupWorktrees ?? false,
    pull: options.pullCoordinator ?? false,
    noWait: options.noWait ?? false,
    ...(options.coordinatorRef ? { coordinatorRef: options.coordinatorRef } : {}),
    onEvent: emit,
    onReady: (wt) => handle.worktreeReady(wt),
    onFailed: (wt, cause) => handle.worktreeFailed(wt, cause),
    ...(inspect ? { inspect } : {}),
    onSpawn: groups.started,
    onExit: groups.ended,
    afterSetupCommand: (end) => tracker.sweepSetup(end),
  });
  const cancelWorktrees = () => worktrees.cancel();
  if (options.interrupt?.aborted) cancelWorktrees();
  else options.interrupt?.addEventListener("abort", cancelWorktrees, { once: true });
  stopForEnvironment = (failure) => {
    if (environmentError) return;
    environmentError = failure;
    options.onEnvironmentFailure?.(failure);
    // Once the failed attempt's result is in (it stays errored, not cancelled), stop like a Ctrl-C.
    setImmediate(() => {
      handle.interrupt(`an environment failure (${failure.code})`);
      worktrees.cancel();
    });
  };
  if (environmentError) {
    const first: EnvironmentFailure = environmentError;
    environmentError = undefined;
    stopForEnvironment(first);
  }

  try {
    const results = await handle.finished.catch(async (error: unknown) => {
      // A hook threw (the run stopped as on Ctrl-C): release the worktrees before the error goes up.
      worktrees.cancel();
      await worktrees.finish(false).catch(() => []);
      throw error;
    });
    // The environment may fail here too (no file left for a /proc scan): the report is still written.
    const noteEnvironment = (error: unknown) => {
      const env = environmentErrorFrom(error);
      if (!env) throw error;
      environmentError ??= { code: env.code.replace(/^E_ENV_/, ""), message: env.message };
    };
    await tracker.flush().catch(noteEnvironment);
    const worktreeReports = await worktrees
      .finish(options.cleanup ?? false)
      .catch((error: unknown): WorktreeReport[] => {
        noteEnvironment(error);
        return [];
      });
    tracker.recordWorktreeLeaks(worktreeReports, options.cleanup ?? false);
    tracker.finish();
    const ended = new Date();
    const wallSeconds = (ended.getTime() - started.getTime()) / 1000;
    emit({ type: "run-finished", at: timestamp(ended), interrupted, wallSeconds });
    return {
      runId,
      runDir: options.runDir,
      startedAt: timestamp(started),
      endedAt: timestamp(ended),
      wallSeconds,
      results,
      interrupted,
      maxConcurrency: handle.maxConcurrency(),
      leaks: tracker.leaks,
      worktrees: worktreeReports,
      ...(environmentError ? { environmentError } : {}),
    };
  } finally {
    options.interrupt?.removeEventListener("abort", onInterrupt);
    options.interrupt?.removeEventListener("abort", cancelWorktrees);
  }
}
