/**
 * Setting a worktree up: the pipeline's setup steps (exec steps with timeouts, one log per step), a
 * marker in the worktree's own git dir holding a hash of the setup definition (so a changed setup
 * reruns, and a half-built worktree is repaired), verify checks, and `link` steps that share a
 * dependency directory from the main repo when the lockfiles are identical.
 */
import { createHash } from "node:crypto";
import { cpSync, existsSync, readFileSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { renderArgv } from "../config/templates.js";
import type { Check, Step } from "../config/types.js";
import { globMatches } from "../util/glob-match.js";
import { execCommand } from "./exec-command.js";
import { git, gitOrThrow } from "./git.js";
import { interpretExit } from "./interpret-exit.js";
import { readTail } from "./output-tail.js";

export function setupHash(steps: readonly Step[]): string {
  return createHash("sha256").update(JSON.stringify(steps)).digest("hex").slice(0, 16);
}

async function markerPath(worktree: string): Promise<string> {
  return join(
    await gitOrThrow(
      worktree,
      ["rev-parse", "--path-format=absolute", "--git-dir"],
      "finding the worktree's git dir",
    ),
    "grove-setup.json",
  );
}

export async function setupIsCurrent(worktree: string, steps: readonly Step[]): Promise<boolean> {
  try {
    return (
      (JSON.parse(readFileSync(await markerPath(worktree), "utf8")) as { hash: string }).hash ===
      setupHash(steps)
    );
  } catch {
    return false;
  }
}

export async function markSetupDone(worktree: string, steps: readonly Step[]): Promise<void> {
  writeFileSync(
    await markerPath(worktree),
    `${JSON.stringify({ hash: setupHash(steps), at: new Date().toISOString() })}\n`,
  );
}

export async function clearSetupMarker(worktree: string): Promise<void> {
  const r = await git(worktree, ["rev-parse", "--path-format=absolute", "--git-dir"]);
  if (r.exitCode === 0) writeFileSync(join(r.stdout, "grove-setup.json"), "{}\n");
}

export interface StepRun {
  ok: boolean;
  detail: string;
  logPath?: string;
}

export interface SetupContext {
  mainRepo: string;
  worktree: string;
  name: string;
  branch: string;
  logDir: string;
  killGraceMs: number;
}

/** Runs one setup step in the worktree. */
export async function runSetupStep(step: Step, ctx: SetupContext): Promise<StepRun> {
  if (step.command.kind === "link") return linkShared(step.command, ctx);
  const vars = {
    worktree: ctx.name,
    worktree_slug: ctx.name.replace(/_/g, "-"),
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
    },
    logPath,
    deadline: Date.now() + (step.timeout ?? 3600) * 1000,
    killGraceMs: ctx.killGraceMs,
  });
  const { status, reason } = interpretExit(outcome);
  const tail = readTail(logPath, 5);
  return {
    ok: status === "passed",
    detail:
      status === "passed"
        ? "ok"
        : `${reason}${outcome.exitCode !== null ? ` (exit code ${outcome.exitCode})` : ""}${tail ? `: ${tail.split("\n").pop()}` : ""}`,
    logPath,
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
