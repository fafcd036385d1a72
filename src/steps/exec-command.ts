/**
 * Runs one scenario command for Grove: an argv array (never a shell, unless the user wrote `shell:`),
 * in its own process group, output streamed straight into a log file (never buffered in memory),
 * ended as a group at its deadline (SIGTERM, grace, SIGKILL) or when its AbortSignal fires.
 *
 * This is Grove's hot path, so it forks with child_process.spawn (launch-process.ts), not execa: measured
 * here (bench/overhead.ts), execa's option normalisation added ~0.45 ms per command on top of a ~1 ms
 * spawn, and none of its features apply (no buffering, no pipes, our own group kill). In a run the
 * forks happen in spawn helpers (spawner.ts). Git commands use execa.
 *
 * Not responsible for: what an exit code means (interpret-exit.ts), finding leaks after exit.
 */

import { appendFileSync, mkdirSync } from "node:fs";
import { dirname } from "node:path";
import { setLongTimeout } from "../util/long-timeout.js";
import { endProcessGroup } from "./end-process-group.js";
import { type Launcher, launchDirect } from "./launch-process.js";

export type CommandSpec = { kind: "argv"; argv: readonly string[] } | { kind: "shell"; script: string };

export interface ExecRequest {
  command: CommandSpec;
  cwd: string;
  /** Added to the inherited environment. */
  env: Record<string, string>;
  logPath: string;
  /** Create the log file's directory first (default true; the run creates its log dir once). */
  createLogDir?: boolean;
  /** Epoch milliseconds; the group is ended then. */
  deadline: number;
  killGraceMs: number;
  signal?: AbortSignal;
  /**
   * Called as the command is launched, with a function that ends it as `signal` would (cancelled): a
   * second way to end it, without a second AbortController and listener per command.
   */
  onCancellable?(cancel: () => void): void;
  /** Who forks (default: this process; a run passes its spawn helpers). */
  launch?: Launcher;
  /**
   * Called with the pid (= process group id) right after the spawn (and its start time, when the
   * launcher read it), and when the group is gone.
   */
  onSpawn?(pid: number, startTicks?: number): void;
  onExit?(pid: number): void;
}

export interface ExecOutcome {
  argv: string[];
  pid?: number;
  exitCode: number | null;
  signal: string | null;
  timedOut: boolean;
  cancelled: boolean;
  /** Set when the command could not start (e.g. not found); a sentence for people. */
  spawnError?: string;
  /** Why it could not start: the errno code (ENOENT, EACCES, EMFILE, ...). */
  spawnErrorCode?: string;
  /** SIGKILL was needed after the grace period. */
  forced: boolean;
  /** Whether a process was left in the group as the command was reaped (when the launcher saw it). */
  groupLeft?: boolean;
  /**
   * The launcher saw, as it reaped the command, that nothing the command started was alive anywhere
   * (its group empty, no process re-parented to the spawn helper): no escaped process to look for.
   */
  nothingLeft?: boolean;
  /** The log's size as the command was reaped, when the launcher saw it and Grove wrote nothing to it since. */
  logBytes?: number;
  startedAt: Date;
  endedAt: Date;
}

export function argvOf(command: CommandSpec): string[] {
  return command.kind === "argv" ? [...command.argv] : ["/bin/sh", "-c", command.script];
}

export async function execCommand(req: ExecRequest): Promise<ExecOutcome> {
  const argv = argvOf(req.command);
  const startedAt = new Date();
  if (req.createLogDir !== false) mkdirSync(dirname(req.logPath), { recursive: true });
  if (req.signal?.aborted || Date.now() >= req.deadline) {
    return {
      argv,
      exitCode: null,
      signal: null,
      timedOut: !req.signal?.aborted,
      cancelled: Boolean(req.signal?.aborted),
      forced: false,
      startedAt,
      endedAt: new Date(),
    };
  }
  let timedOut = false;
  let cancelled = false;
  let ending: Promise<{ forced: boolean }> | undefined;
  // A cancel that arrives while the command is being launched ends it once it runs.
  let cancelWhileLaunching = false;
  let onAbort = () => {
    cancelWhileLaunching = true;
  };
  req.onCancellable?.(() => onAbort());
  const launched = await (req.launch ?? launchDirect)({
    argv,
    cwd: req.cwd,
    env: req.env,
    logPath: req.logPath,
  });
  const { pid } = launched;
  if (pid !== undefined) req.onSpawn?.(pid, launched.startTicks);
  const end = (why: "timeout" | "abort") => {
    if (pid === undefined || ending) return;
    if (why === "timeout") timedOut = true;
    else cancelled = true;
    ending = endProcessGroup(pid, req.killGraceMs);
  };
  const timer = setLongTimeout(() => end("timeout"), req.deadline - Date.now());
  onAbort = () => end("abort");
  if (req.signal?.aborted || cancelWhileLaunching) onAbort();
  else req.signal?.addEventListener("abort", onAbort, { once: true });
  const result = await launched.exited;
  timer.clear();
  req.signal?.removeEventListener("abort", onAbort);
  const forced = ending ? (await ending).forced : false;
  if (pid !== undefined) req.onExit?.(pid);
  const spawnError = result.error ? spawnMessage(argv[0]!, result.error) : undefined;
  if (spawnError) appendFileSync(req.logPath, `# grove: ${spawnError}\n`);
  if (timedOut)
    appendFileSync(
      req.logPath,
      `# grove: timed out; process group ${pid} ended${forced ? " with SIGKILL after the grace period" : ""}\n`,
    );
  return {
    argv,
    ...(pid !== undefined ? { pid } : {}),
    exitCode: result.exitCode,
    signal: result.signal,
    timedOut,
    cancelled,
    ...(spawnError ? { spawnError } : {}),
    ...(spawnError && result.error?.code ? { spawnErrorCode: result.error.code } : {}),
    forced,
    ...(result.groupLeft !== undefined ? { groupLeft: result.groupLeft } : {}),
    ...(result.groupLeft === false && result.adopted === false ? { nothingLeft: true } : {}),
    ...(result.logBytes !== undefined && !spawnError && !timedOut ? { logBytes: result.logBytes } : {}),
    startedAt,
    endedAt: new Date(),
  };
}

function spawnMessage(program: string, error: { code?: string; message: string }): string {
  if (error.code === "ENOENT") return `command not found: ${program} (is it installed and on PATH?)`;
  if (error.code === "EACCES") return `permission denied: ${program} (is it executable?)`;
  return `could not start ${program}: ${error.message}`;
}
