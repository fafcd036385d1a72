/**
 * The real "runStep" and "runTest" actors for the scenario machine: render the pipeline's templates
 * into argv, run them in the scenario's worktree with the GROVE_* environment, one log file per
 * command, and turn the outcome into a CommandResult. Also provides "abortAttempt".
 */

import { createHash } from "node:crypto";
import { mkdirSync } from "node:fs";
import { join, resolve, sep } from "node:path";
import { fromPromise } from "xstate";
import { exitMeaningsFor } from "../config/exit-meanings.js";
import { worktreeSlug } from "../config/names.js";
import { renderArgv, renderTemplate, TemplateSyntaxError } from "../config/templates.js";
import type { Pipeline, Scenario, Step } from "../config/types.js";
import { environmentErrorFrom } from "../errors.js";
import type { CommandResult, EnvironmentFailure } from "../events.js";
import { timestamp } from "../events.js";
import type { CommandInput } from "../machines/scenario-machine.js";
import { argvOf, type CommandSpec, execCommand } from "./exec-command.js";
import { interpretExit } from "./interpret-exit.js";
import type { Launcher } from "./launch-process.js";
import { readTail } from "./output-tail.js";
import type { JUnitRead } from "./read-junit.js";
import { worktreePath } from "./worktree-paths.js";

export interface ScenarioActorOptions {
  runId: string;
  runDir: string;
  mainRepo: string;
  basePath: string;
  pipeline: Pipeline;
  scenarios: ReadonlyMap<string, Scenario>;
  /** The branch a worktree is on (rendered from the pipeline's template). */
  branchOf(worktree: string): string;
  onCommandStarted?(
    scenario: string,
    attempt: number,
    phase: CommandInput["phase"],
    argv: string[],
    logPath: string,
  ): void;
  onSpawn?(pid: number, scenario: string, attempt: number, startTicks?: number): void;
  onExit?(pid: number): void;
  /** Who forks the commands (default: this process). */
  launch?: Launcher;
  /** Extra environment for every command (e.g. GROVE_TMPDIR). */
  env?: Record<string, string>;
  /** Awaited after each command ends, before its result counts (leak sweeps). */
  afterCommand?(end: {
    scenario: string;
    attempt: number;
    pgid?: number;
    /** Whether a process was left in the group (when the launcher saw it; else the tracker looks). */
    groupLeft?: boolean;
    /** Nothing the command started was alive anywhere as it was reaped (see ExecOutcome). */
    nothingLeft?: boolean;
    startedAt: Date;
  }): Promise<void>;
  /**
   * A command could not run because the environment failed (too many open files, no processes
   * left, a log that cannot be written): the attempt is errored as `spawn-failed`, and the run is
   * told, so that it can stop instead of failing every scenario after it the same way.
   */
  onEnvironmentFailure?(failure: EnvironmentFailure, scenario: string): void;
}

/** Spawn errors that say the machine ran out of something, not that the command is wrong. */
const EXHAUSTED = new Set(["EMFILE", "ENFILE", "EAGAIN", "ENOMEM"]);

/** Log file for one command of one attempt; one flat directory per run (created once). */
function commandLogPath(
  logsDir: string,
  scenario: string,
  attempt: number,
  phase: string,
  step?: string,
): string {
  return `${logsDir}${sep}${safeFileName(scenario)}.${attempt}.${phase}${step ? `-${safeFileName(step)}` : ""}.log`;
}

/** Safe names already worked out: a run asks for each scenario's several times per attempt. */
const safeNames = new Map<string, string>();
const SAFE_NAMES_KEPT = 100_000;

/** Scenario names may hold any printable text: keep safe characters, and add a hash when any were changed. */
function safeFileName(name: string): string {
  let safe = safeNames.get(name);
  if (safe === undefined) {
    safe = safeFileNameOf(name);
    if (safeNames.size >= SAFE_NAMES_KEPT) safeNames.clear();
    safeNames.set(name, safe);
  }
  return safe;
}

function safeFileNameOf(name: string): string {
  const safe = name
    .replace(/[^A-Za-z0-9_.@+-]/g, "_")
    .replace(/^\.+/, "_")
    .slice(0, 100);
  return safe === name ? safe : `${safe}-${createHash("sha256").update(name).digest("hex").slice(0, 8)}`;
}

/**
 * The test command's own JUnit (pipeline `test.junit`, relative to the worktree). The reader (an XML
 * library) is loaded only by runs whose pipeline has one.
 */
async function collectJUnit(
  worktreeDir: string,
  template: string,
  vars: Readonly<Record<string, string | undefined>>,
): Promise<JUnitRead> {
  const { readJUnitFile } = await import("./read-junit.js");
  try {
    return readJUnitFile(resolve(worktreeDir, renderTemplate(template, vars)));
  } catch (error) {
    if (error instanceof TemplateSyntaxError) return { problem: `test.junit: ${error.message}` };
    throw error;
  }
}

export function createScenarioActors(options: ScenarioActorOptions) {
  const logsDir = join(options.runDir, "logs");
  const junitDir = join(options.runDir, "junit");
  mkdirSync(logsDir, { recursive: true });
  mkdirSync(junitDir, { recursive: true });
  /** Ends the command each scenario is running now ("abortAttempt"). */
  const cancellers = new Map<string, () => void>();
  // Per worktree, not per command: the path check and the branch template are the same every time.
  const worktreeDirs = new Map<string, { path: string; slug: string; branch: string }>();
  const worktreeDir = (worktree: string) => {
    let dir = worktreeDirs.get(worktree);
    if (!dir) {
      dir = {
        path: worktreePath(options.basePath, worktree),
        slug: worktreeSlug(worktree),
        branch: options.branchOf(worktree),
      };
      worktreeDirs.set(worktree, dir);
    }
    return dir;
  };

  const run = async (ci: CommandInput, xstateSignal: AbortSignal): Promise<CommandResult> => {
    const started = new Date();
    try {
      return await runCommand(ci, xstateSignal);
    } catch (error) {
      // Opening a log, reading a tail or forking failed for want of files, disk or memory.
      const env = environmentErrorFrom(error);
      if (!env) throw error;
      options.onEnvironmentFailure?.(
        { code: env.code.replace(/^E_ENV_/, ""), message: env.message },
        ci.scenario,
      );
      const step =
        ci.phase === "test"
          ? undefined
          : (ci.phase === "before" ? options.pipeline.test.before : options.pipeline.test.after)[ci.index];
      return {
        phase: ci.phase,
        name: step?.name ?? "test",
        status: "errored",
        reason: "spawn-failed",
        command: [],
        exitCode: null,
        signal: null,
        startedAt: timestamp(started),
        endedAt: timestamp(),
        durationSeconds: (Date.now() - started.getTime()) / 1000,
        logPath: commandLogPath(logsDir, ci.scenario, ci.attempt, ci.phase, step?.name),
        outputTail: env.message,
      };
    }
  };

  const runCommand = async (ci: CommandInput, xstateSignal: AbortSignal): Promise<CommandResult> => {
    // Let the machine's current step finish (and its observers hear of the previous attempt) first.
    await Promise.resolve();
    const scenario = options.scenarios.get(ci.scenario)!;
    const { pipeline } = options;
    const step: Step | undefined =
      ci.phase === "test"
        ? undefined
        : (ci.phase === "before" ? pipeline.test.before : pipeline.test.after)[ci.index];
    const name = step?.name ?? "test";
    const logPath = commandLogPath(logsDir, ci.scenario, ci.attempt, ci.phase, step?.name);
    const { path, slug, branch } = worktreeDir(scenario.worktree);
    const junitPath = `${junitDir}${sep}${safeFileName(ci.scenario)}.${ci.attempt}.xml`;
    const vars = {
      test_file: scenario.testFile,
      scenario: scenario.name,
      worktree: scenario.worktree,
      worktree_slug: slug,
      worktree_path: path,
      main_repo: options.mainRepo,
      branch,
      run_id: options.runId,
      attempt: String(ci.attempt),
      junit_path: junitPath,
    };
    const started = new Date();
    const fail = (reason: string, message: string): CommandResult => ({
      phase: ci.phase,
      name,
      status: "errored",
      reason,
      command: [],
      exitCode: null,
      signal: null,
      startedAt: timestamp(started),
      endedAt: timestamp(),
      durationSeconds: 0,
      logPath,
      outputTail: message,
    });
    let command: CommandSpec;
    try {
      if (!step) command = { kind: "argv", argv: renderArgv(scenario.run ?? pipeline.test.run, vars) };
      else if (step.command.kind === "argv")
        command = { kind: "argv", argv: renderArgv(step.command.argv, vars) };
      else if (step.command.kind === "shell") command = { kind: "shell", script: step.command.script };
      else return fail("bad-step", `step "${step.name}": link steps belong in worktree.setup`);
    } catch (error) {
      if (error instanceof TemplateSyntaxError)
        return fail("bad-template", `${error.message} (scenario "${scenario.name}" has no test_file)`);
      throw error;
    }
    // Ended by XState when the state exits (its signal), or by "abortAttempt" (cancellers).
    let cancel: (() => void) | undefined;
    const env: Record<string, string> = {
      ...pipeline.test.env,
      ...step?.env,
      ...scenario.env,
      ...options.env,
      GROVE_RUN_ID: options.runId,
      GROVE_SCENARIO: scenario.name,
      GROVE_WORKTREE: scenario.worktree,
      GROVE_WORKTREE_PATH: path,
      GROVE_ATTEMPT: String(ci.attempt),
      GROVE_MAIN_REPO: options.mainRepo,
      GROVE_PHASE: ci.phase,
      ...(scenario.testFile !== undefined ? { GROVE_TEST_FILE: scenario.testFile } : {}),
    };
    const argv = argvOf(command);
    options.onCommandStarted?.(ci.scenario, ci.attempt, ci.phase, argv, logPath);
    const stepDeadline =
      step?.timeout !== undefined ? Math.min(ci.deadline, Date.now() + step.timeout * 1000) : ci.deadline;
    const outcome = await execCommand({
      command,
      cwd: step?.cwd ? join(path, step.cwd) : path,
      env,
      logPath,
      deadline: stepDeadline,
      killGraceMs: pipeline.test.killGrace * 1000,
      signal: xstateSignal,
      onCancellable: (c) => {
        cancel = c;
        cancellers.set(ci.scenario, c);
      },
      createLogDir: false,
      ...(options.launch ? { launch: options.launch } : {}),
      onSpawn: (pid, startTicks) => options.onSpawn?.(pid, ci.scenario, ci.attempt, startTicks),
      onExit: (pid) => options.onExit?.(pid),
    });
    await options.afterCommand?.({
      scenario: ci.scenario,
      attempt: ci.attempt,
      ...(outcome.pid !== undefined ? { pgid: outcome.pid } : {}),
      ...(outcome.groupLeft !== undefined ? { groupLeft: outcome.groupLeft } : {}),
      ...(outcome.nothingLeft ? { nothingLeft: true } : {}),
      startedAt: outcome.startedAt,
    });
    if (cancel && cancellers.get(ci.scenario) === cancel) cancellers.delete(ci.scenario);
    if (outcome.spawnErrorCode !== undefined && EXHAUSTED.has(outcome.spawnErrorCode)) {
      const cause = Object.assign(new Error(outcome.spawnError), { code: outcome.spawnErrorCode });
      const env = environmentErrorFrom(cause, `starting ${outcome.argv[0]} for scenario "${ci.scenario}"`);
      if (env)
        options.onEnvironmentFailure?.({ code: outcome.spawnErrorCode, message: env.message }, ci.scenario);
    }
    const { status, reason } = interpretExit(outcome, step ? undefined : exitMeaningsFor(scenario, pipeline));
    const collected =
      !step && pipeline.test.junit !== undefined && !outcome.spawnError
        ? await collectJUnit(path, pipeline.test.junit, vars)
        : undefined;
    return {
      phase: ci.phase,
      name,
      status,
      reason,
      command: outcome.argv,
      exitCode: outcome.exitCode,
      signal: outcome.signal,
      startedAt: timestamp(outcome.startedAt),
      endedAt: timestamp(outcome.endedAt),
      durationSeconds: (outcome.endedAt.getTime() - outcome.startedAt.getTime()) / 1000,
      logPath,
      outputTail: outcome.spawnError ?? readTail(logPath, undefined, undefined, outcome.logBytes),
      ...(collected && "tests" in collected ? { tests: collected.tests } : {}),
      ...(collected && "problem" in collected ? { testsProblem: collected.problem } : {}),
    };
  };

  const logic = fromPromise<CommandResult, CommandInput>(({ input, signal }) => run(input, signal));
  return {
    actors: { runStep: logic, runTest: logic },
    abortAttempt: (scenario: string) => cancellers.get(scenario)?.(),
  };
}
