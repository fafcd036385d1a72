/**
 * Starts one command as the leader of its own process group, its stdout and stderr going straight into
 * an append-only log file (no pipe through Grove, nothing buffered in memory). A Launcher is the seam
 * between exec-command (deadlines, group kill, outcome) and whoever does the fork: this process
 * (launchDirect) or a spawn helper process (spawner.ts), which keeps the fork cost of a large Node
 * process off Grove's main thread.
 */
import { spawn } from "node:child_process";
import { closeSync, openSync } from "node:fs";

export interface LaunchRequest {
  argv: readonly string[];
  cwd: string;
  /** Added to the inherited environment. */
  env: Record<string, string>;
  logPath: string;
}

export interface ProcessExit {
  exitCode: number | null;
  signal: string | null;
  /** Set when the command could not start (ENOENT, EACCES, ...). */
  error?: { code?: string; message: string };
  /**
   * Observed by the Python spawn helper as it reaped the command (undefined from other launchers):
   * whether any process was still in the command's group, the log file's size, and whether the
   * helper (a child subreaper) had adopted a process. They spare Grove's thread a kill(-pgid, 0) that
   * throws and a stat per command, and the /proc scan for escaped processes (spawn-helper.py says why).
   */
  groupLeft?: boolean;
  logBytes?: number;
  adopted?: boolean;
}

export interface Launched {
  /** The pid, which is also the process group id; undefined when the command could not start. */
  pid?: number;
  /** Its start time (clock ticks after boot), when the launcher read it (the Python spawn helper does). */
  startTicks?: number;
  exited: Promise<ProcessExit>;
}

export type Launcher = (request: LaunchRequest) => Promise<Launched>;

/** process.env is read through a native accessor; copying it once saves ~0.1 ms per spawn. */
const BASE_ENV: Record<string, string | undefined> = { ...process.env };

/** Spawns from this process. */
export const launchDirect: Launcher = async (request) => {
  // Synchronous on purpose: measured in bench/overhead.ts, opening logs on libuv's thread pool made
  // every fork slower while those threads were busy.
  const fd = openSync(request.logPath, "a");
  try {
    const child = spawn(request.argv[0]!, request.argv.slice(1), {
      cwd: request.cwd,
      env: { ...BASE_ENV, ...request.env },
      stdio: ["ignore", fd, fd],
      detached: true,
    });
    const exited = new Promise<ProcessExit>((resolve) => {
      child.once("error", (error: NodeJS.ErrnoException) =>
        resolve({
          exitCode: null,
          signal: null,
          error: { ...(error.code ? { code: error.code } : {}), message: error.message },
        }),
      );
      child.once("exit", (exitCode, signal) => resolve({ exitCode, signal }));
    });
    return { ...(child.pid !== undefined ? { pid: child.pid } : {}), exited };
  } finally {
    // The child holds its own copies of the descriptor.
    closeSync(fd);
  }
};
