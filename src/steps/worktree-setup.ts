/**
 * Setting a worktree up: the pipeline's setup steps (exec steps with timeouts, one log per step), a
 * marker in the worktree's own git dir holding a hash of the setup definition (so a changed setup
 * reruns, and a half-built worktree is repaired), verify checks, and `link` steps that share a
 * dependency directory from the main repo when the lockfiles are identical.
 */
import { createHash } from "node:crypto";
import { cpSync, existsSync, readFileSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { worktreeSlug } from "../config/names.js";
import { renderArgv } from "../config/templates.js";
import type { Check, Step } from "../config/types.js";
import { globMatches } from "../util/glob-match.js";
import { execCommand } from "./exec-command.js";
import { gitDirsOf } from "./git-dirs.js";
import { interpretExit } from "./interpret-exit.js";
import { readTail } from "./output-tail.js";

/** A hash of the setup definition (the steps as configured): a change reruns setup. */
function setupHash(steps: readonly Step[]): string {
  return createHash("sha256").update(JSON.stringify(steps)).digest("hex").slice(0, 16);
}

/**
 * What Grove recorded about setup in a worktree: `never` (no record: made by hand, by the original
 * coordinator, or before Grove ran setup there), `half-created` (a run's `git worktree add` or its
 * checkout was interrupted), `half-built` (a run's setup began and did not finish: failed, interrupted
 * or killed), `current` (finished with this definition), `changed` (finished with another definition).
 */
export type SetupRecord = "never" | "half-created" | "half-built" | "current" | "changed";

/** The marker lives in the worktree's own admin dir (`.git/worktrees/<id>/`), so it never shows in status. */
function markerPath(worktree: string): string {
  return join(gitDirsOf(worktree).adminDir, "grove-setup.json");
}

/** Reads the setup marker; an unreadable or damaged one counts as `half-built` (repair, never trust). */
export function readSetupRecord(worktree: string, steps: readonly Step[]): SetupRecord {
  let text: string;
  try {
    text = readFileSync(markerPath(worktree), "utf8");
  } catch {
    return "never";
  }
  try {
    const marker = JSON.parse(text) as { hash?: unknown; half_built?: unknown };
    if (marker.half_built === "create") return "half-created";
    if (marker.half_built !== undefined || typeof marker.hash !== "string") return "half-built";
    return marker.hash === setupHash(steps) ? "current" : "changed";
  } catch {
    return "half-built";
  }
}

/** Written when setup finished and the verify checks pass. */
export function markSetupDone(worktree: string, steps: readonly Step[]): void {
  writeFileSync(
    markerPath(worktree),
    `${JSON.stringify({ hash: setupHash(steps), at: new Date().toISOString() })}\n`,
  );
}

/** Where a worktree was when a run stopped building it: being created (checkout) or being set up. */
export type HalfBuiltStage = "create" | "setup";

/**
 * Marks the worktree half-built before a stage that changes it starts, so a run interrupted there
 * (Ctrl-C, kill -9) leaves a worktree the next run repairs instead of trusting. Reads the git dir from
 * `.git` without a process. Replaced by markSetupDone once the verify checks pass.
 */
export function markHalfBuilt(worktree: string, stage: HalfBuiltStage, runId: string): void {
  writeFileSync(
    markerPath(worktree),
    `${JSON.stringify({ half_built: stage, run_id: runId, at: new Date().toISOString() })}\n`,
  );
}

/** The stage a run left this worktree half-built in, if it did. */
export function halfBuiltStage(worktree: string): { stage: HalfBuiltStage; runId: string } | undefined {
  try {
    const m = JSON.parse(readFileSync(markerPath(worktree), "utf8")) as {
      half_built?: HalfBuiltStage;
      run_id?: string;
    };
    return m.half_built ? { stage: m.half_built, runId: m.run_id ?? "unknown" } : undefined;
  } catch {
    return undefined;
  }
}

export interface StepRun {
  ok: boolean;
  detail: string;
  logPath?: string;
  /** A failed command's last lines of output (its log holds the rest). */
  outputTail?: string;
}

export interface SetupContext {
  mainRepo: string;
  worktree: string;
  name: string;
  branch: string;
  logDir: string;
  killGraceMs: number;
  /** Ctrl-C: the step's process group is ended (TERM, grace, KILL). */
  signal?: AbortSignal;
  /** Tags every command (GROVE_RUN_ID), so leak scans and the next run find what it left. */
  runId?: string;
  /** Called with the pid (= process group id) right after the spawn, and when the group is gone. */
  onSpawn?(pid: number): void;
  onExit?(pid: number): void;
  /** Awaited after each command ends, before its result counts (leak sweeps). */
  afterCommand?(end: { step: string; pgid?: number; startedAt: Date }): Promise<void>;
}

/** Runs one setup step in the worktree. */
export async function runSetupStep(step: Step, ctx: SetupContext): Promise<StepRun> {
  if (step.command.kind === "link") return linkShared(step.command, ctx);
  const vars = {
    worktree: ctx.name,
    worktree_slug: worktreeSlug(ctx.name),
    worktree_path: ctx.worktree,
    main_repo: ctx.mainRepo,
    branch: ctx.branch,
  };
  const logPath = join(ctx.logDir, `worktree-${ctx.name}.${step.name}.log`);
  const command =
    step.command.kind === "argv"
      ? { kind: "argv" as const, argv: renderArgv(step.command.argv, vars) }
      : { kind: "shell" as const, script: step.command.script };
  const outcome = await execCommand({
    command,
    cwd: step.cwd ? join(ctx.worktree, step.cwd) : ctx.worktree,
    env: {
      ...step.env,
      GROVE_WORKTREE: ctx.name,
      GROVE_WORKTREE_PATH: ctx.worktree,
      GROVE_MAIN_REPO: ctx.mainRepo,
      GROVE_BRANCH: ctx.branch,
      GROVE_PHASE: "setup",
      GROVE_SETUP_STEP: step.name,
      ...(ctx.runId ? { GROVE_RUN_ID: ctx.runId } : {}),
    },
    logPath,
    deadline: Date.now() + (step.timeout ?? 3600) * 1000,
    killGraceMs: ctx.killGraceMs,
    ...(ctx.signal ? { signal: ctx.signal } : {}),
    ...(ctx.onSpawn ? { onSpawn: ctx.onSpawn } : {}),
    ...(ctx.onExit ? { onExit: ctx.onExit } : {}),
  });
  await ctx.afterCommand?.({
    step: step.name,
    ...(outcome.pid !== undefined ? { pgid: outcome.pid } : {}),
    startedAt: outcome.startedAt,
  });
  if (outcome.cancelled) return { ok: false, detail: "interrupted", logPath };
  const { status, reason } = interpretExit(outcome);
  if (status === "passed") return { ok: true, detail: "ok", logPath };
  const tail = readTail(logPath, 8);
  return {
    ok: false,
    detail: `${reason}${outcome.exitCode !== null ? ` (exit code ${outcome.exitCode})` : ""}${tail ? `: ${tail.split("\n").pop()}` : ""}`,
    logPath,
    ...(tail ? { outputTail: tail } : {}),
  };
}

/** Shares `path` from the main repo when every key file is byte-identical; otherwise does nothing. */
function linkShared(
  link: { path: string; keyFiles: string[]; mode: "symlink" | "copy" },
  ctx: SetupContext,
): StepRun {
  const source = join(ctx.mainRepo, link.path);
  const target = join(ctx.worktree, link.path);
  if (existsSync(target)) return { ok: true, detail: `${link.path} already present` };
  if (!existsSync(source)) return { ok: true, detail: `main repo has no ${link.path}; nothing to share` };
  for (const key of link.keyFiles) {
    const a = join(ctx.mainRepo, key);
    const b = join(ctx.worktree, key);
    if (!existsSync(a) || !existsSync(b) || !readFileSync(a).equals(readFileSync(b)))
      return { ok: true, detail: `${key} differs from the main repo; not sharing ${link.path}` };
  }
  if (link.mode === "copy") cpSync(source, target, { recursive: true, verbatimSymlinks: true });
  else symlinkSync(source, target, "dir");
  return { ok: true, detail: `shared ${link.path} from the main repo (${link.mode})` };
}

/** The pipeline's verify checks; the first failing one is described. */
export async function runChecks(checks: readonly Check[], ctx: SetupContext): Promise<StepRun> {
  for (const check of checks) {
    if (ctx.signal?.aborted) return { ok: false, detail: "interrupted" };
    if (check.kind === "glob" && globMatches(ctx.worktree, check.pattern).length === 0)
      return { ok: false, detail: `nothing matches ${check.pattern}` };
    if (check.kind === "exists" && !existsSync(join(ctx.worktree, check.path)))
      return { ok: false, detail: `${check.path} does not exist` };
    if (check.kind === "run") {
      const r = await runSetupStep(
        { name: "verify", command: { kind: "argv", argv: check.argv }, env: {} },
        ctx,
      );
      if (!r.ok) return { ok: false, detail: `check ${check.argv.join(" ")} failed: ${r.detail}` };
    }
  }
  return { ok: true, detail: "checks pass" };
}
