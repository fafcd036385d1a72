/**
 * Runs one command for Grove: argv through execa (never a shell, unless the user wrote `shell:`), in its
 * own process group, output streamed straight into a log file (never buffered in memory), ended as a
 * group at its deadline (SIGTERM, grace, SIGKILL) or when its AbortSignal fires.
 *
 * Not responsible for: what an exit code means (interpret-exit.ts), finding leaks after exit.
 */
import { closeSync, mkdirSync, openSync, writeSync } from "node:fs";
import { dirname } from "node:path";
import { execa } from "execa";
import { endProcessGroup } from "./end-process-group.js";

export type CommandSpec = { kind: "argv"; argv: readonly string[] } | { kind: "shell"; script: string };

export interface ExecRequest {
  command: CommandSpec;
  cwd: string;
  /** Added to the inherited environment. */
  env: Record<string, string>;
  logPath: string;
  /** Epoch milliseconds; the group is ended then. */
  deadline: number;
  killGraceMs: number;
  signal?: AbortSignal;
  /** Called with the pid (= process group id) right after the spawn, and when the group is gone. */
  onSpawn?(pid: number): void;
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
  /** SIGKILL was needed after the grace period. */
  forced: boolean;
  startedAt: Date;
  endedAt: Date;
}

export function argvOf(command: CommandSpec): string[] {
  return command.kind === "argv" ? [...command.argv] : ["/bin/sh", "-c", command.script];
}

export async function execCommand(req: ExecRequest): Promise<ExecOutcome> {
  const argv = argvOf(req.command);
  const startedAt = new Date();
  mkdirSync(dirname(req.logPath), { recursive: true });
  const fd = openSync(req.logPath, "a");
  writeSync(fd, `# grove: ${JSON.stringify(argv)} in ${req.cwd}\n`);
  let timedOut = false;
  let cancelled = false;
  let ending: Promise<{ forced: boolean }> | undefined;
  try {
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
    // The child writes straight into the log file: no pipe through this process, no buffering.
    // execa's types list only fds 3-9, but any open fd is passed through to spawn's stdio.
    const logFd = fd as 3;
    const child = execa(argv[0]!, argv.slice(1), {
      cwd: req.cwd,
      env: req.env,
      extendEnv: true,
      stdin: "ignore",
      stdout: logFd,
      stderr: logFd,
      detached: true,
      cleanup: false,
      reject: false,
      buffer: false,
    });
    const pid = child.pid;
    if (pid !== undefined) req.onSpawn?.(pid);
    const end = (why: "timeout" | "abort") => {
      if (pid === undefined || ending) return;
      if (why === "timeout") timedOut = true;
      else cancelled = true;
      ending = endProcessGroup(pid, req.killGraceMs);
    };
    const timer = setTimeout(() => end("timeout"), Math.max(0, req.deadline - Date.now()));
    const onAbort = () => end("abort");
    req.signal?.addEventListener("abort", onAbort, { once: true });
    const result = await child;
    clearTimeout(timer);
    req.signal?.removeEventListener("abort", onAbort);
    const forced = ending ? (await ending).forced : false;
    if (pid !== undefined) req.onExit?.(pid);
    const spawnError =
      result.failed && result.exitCode === undefined && !result.signal && !timedOut && !cancelled
        ? spawnMessage(argv[0]!, result)
        : undefined;
    if (spawnError) writeSync(fd, `# grove: ${spawnError}\n`);
    if (timedOut)
      writeSync(
        fd,
        `# grove: timed out; process group ${pid} ended${forced ? " with SIGKILL after the grace period" : ""}\n`,
      );
    return {
      argv,
      ...(pid !== undefined ? { pid } : {}),
      exitCode: result.exitCode ?? null,
      signal: result.signal ?? null,
      timedOut,
      cancelled,
      ...(spawnError ? { spawnError } : {}),
      forced,
      startedAt,
      endedAt: new Date(),
    };
  } finally {
    closeSync(fd);
  }
}

function spawnMessage(program: string, result: { code?: string; shortMessage?: string }): string {
  if (result.code === "ENOENT") return `command not found: ${program} (is it installed and on PATH?)`;
  if (result.code === "EACCES") return `permission denied: ${program} (is it executable?)`;
  return result.shortMessage ?? `could not start ${program}`;
}
