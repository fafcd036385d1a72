/**
 * Native git with argument arrays, never a shell, and never interactive: no editor, no
 * pager, no credential prompt. Callers put `--end-of-options` before refs from config or flags.
 *
 * Every git runs as the leader of its own process group (detached), so a terminal's Ctrl-C does not
 * kill it halfway behind Grove's back and an abort reaches its hooks, filters and helpers too: on
 * abort the whole group gets SIGTERM, a grace period, then SIGKILL (killing the direct child alone
 * would not reach them). Callers that must undo a half-done operation (a merge) look at `cancelled`.
 *
 * Spawned with node:child_process, not execa: execa 9 throws "subprocess.stdio is not iterable" when the
 * spawn fails with EMFILE and leaves the child's 'error' event unhandled, which kills Grove mid-run
 * with no report. Here a git that cannot start is a result (`spawnError`), like any failed git.
 */
import { spawn } from "node:child_process";
import { EnvironmentError } from "../errors.js";
import { endProcessGroup } from "./end-process-group.js";

export interface GitResult {
  exitCode: number;
  stdout: string;
  stderr: string;
  /** The abort signal fired while git ran and its process group was ended. */
  cancelled?: boolean;
  /** Ending it needed SIGKILL (it may have left lock files behind). */
  forced?: boolean;
  /** git could not be started: the errno code (ENOENT, EMFILE, EAGAIN, ...); exitCode is -1. */
  spawnError?: string;
}

/** How a run controls a git command: abort, the grace before SIGKILL, its process group's lifetime. */
export interface GitOptions {
  signal?: AbortSignal;
  /** Grace between SIGTERM and SIGKILL on abort (default 2 s). */
  killGraceMs?: number;
  /** Added to the environment (e.g. GROVE_RUN_ID, so a dead run's leftovers can be found). */
  env?: Record<string, string>;
  /** Called with the pid (= process group id) right after the spawn, and when it has exited. */
  onSpawn?(pid: number): void;
  onExit?(pid: number): void;
  /** Written to git's stdin (else stdin is closed). */
  input?: string;
}

const NON_INTERACTIVE = {
  GIT_TERMINAL_PROMPT: "0",
  GIT_EDITOR: "true",
  GIT_SEQUENCE_EDITOR: "true",
  GIT_PAGER: "cat",
  GIT_MERGE_AUTOEDIT: "no",
  GIT_ASKPASS: "true",
  SSH_ASKPASS: "true",
  LC_ALL: "C",
};

const CANCELLED: GitResult = { exitCode: -1, stdout: "", stderr: "interrupted", cancelled: true };

export async function git(
  cwd: string,
  args: readonly string[],
  options: GitOptions = {},
): Promise<GitResult> {
  if (options.signal?.aborted) return CANCELLED;
  const child = spawn("git", args, {
    cwd,
    env: { ...process.env, ...options.env, ...NON_INTERACTIVE },
    stdio: [options.input === undefined ? "ignore" : "pipe", "pipe", "pipe"],
    detached: true,
  });
  const stdout: Buffer[] = [];
  const stderr: Buffer[] = [];
  child.stdout?.on("data", (chunk: Buffer) => stdout.push(chunk));
  child.stderr?.on("data", (chunk: Buffer) => stderr.push(chunk));
  if (options.input !== undefined && child.stdin) {
    child.stdin.on("error", () => {}); // git may exit before reading all of it (EPIPE)
    child.stdin.end(options.input);
  }
  const exited = new Promise<{ code: number | null; error?: NodeJS.ErrnoException }>((resolve) => {
    child.once("error", (error: NodeJS.ErrnoException) => resolve({ code: null, error }));
    child.once("close", (code: number | null) => resolve({ code }));
  });
  const pid = child.pid;
  if (pid !== undefined) options.onSpawn?.(pid);
  let ending: Promise<{ forced: boolean }> | undefined;
  const onAbort = () => {
    if (pid !== undefined) ending ??= endProcessGroup(pid, options.killGraceMs ?? 2000);
  };
  if (options.signal?.aborted) onAbort();
  else options.signal?.addEventListener("abort", onAbort, { once: true });
  const r = await exited;
  options.signal?.removeEventListener("abort", onAbort);
  const forced = ending ? (await ending).forced : false;
  if (pid !== undefined) options.onExit?.(pid);
  if (r.error && pid === undefined)
    return {
      exitCode: -1,
      stdout: "",
      stderr: `could not start git: ${r.error.message}`,
      ...(r.error.code ? { spawnError: r.error.code } : {}),
    };
  return {
    exitCode: r.code ?? -1,
    stdout: Buffer.concat(stdout).toString("utf8").trim(),
    stderr: Buffer.concat(stderr).toString("utf8").trim(),
    ...(ending ? { cancelled: true, forced } : {}),
  };
}

/** Runs git and throws a readable error on failure. */
export async function gitOrThrow(
  cwd: string,
  args: readonly string[],
  what: string,
  options: GitOptions = {},
): Promise<string> {
  const r = await git(cwd, args, options);
  if (r.exitCode !== 0) throw new GitCommandError(what, args, r, cwd);
  return r.stdout;
}

/**
 * A git command Grove needed failed (exit code 5, like every failure of the environment). The message
 * says what Grove was doing, the command, git's own words and where to look.
 */
export class GitCommandError extends EnvironmentError {
  constructor(
    readonly what: string,
    readonly args: readonly string[],
    readonly result: GitResult,
    readonly cwd?: string,
  ) {
    super(
      "E_GIT",
      `${what} failed: git ${args.join(" ")}${cwd ? ` (in ${cwd})` : ""}: ${result.stderr || result.stdout || `exit ${result.exitCode}`}\n  fix: run that git command yourself to see why; then rerun grove`,
    );
    this.name = "GitCommandError";
  }
}
