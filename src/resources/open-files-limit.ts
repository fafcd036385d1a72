/**
 * How many files this process may open (the soft `ulimit -n`), read from /proc/self/limits (Node has
 * no getrlimit), and how many commands Grove can run at once within it. Measured here: loading the
 * modules a run needs opens dozens of files at once, so below ~96 a run fails with EMFILE whatever
 * --workers says; each running command holds a handful more (log, pipes, pidfd).
 */
import { readFileSync } from "node:fs";
import { EnvironmentError } from "../errors.js";

/** Fewer open files than this and a run cannot start: the message says how to raise the limit. */
export const MIN_OPEN_FILES = 96;
/** Open files held for each worker slot, on top of MIN_OPEN_FILES (a safe margin over the 3-6 seen). */
const OPEN_FILES_PER_WORKER = 8;

let ownLimits: string | undefined;

/** The soft limit on open files, or undefined where /proc does not say (or says unlimited). */
export function openFilesLimit(limitsText?: string): number | undefined {
  let text = limitsText;
  if (text === undefined) {
    // Read once per process: the CLI checks it before loading a run, the run fits its workers to it.
    if (ownLimits === undefined) {
      try {
        ownLimits = readFileSync("/proc/self/limits", "utf8");
      } catch {
        ownLimits = "";
      }
    }
    text = ownLimits;
  }
  const m = /^Max open files\s+(\S+)/m.exec(text);
  const soft = m ? Number(m[1]) : Number.NaN;
  return Number.isFinite(soft) ? soft : undefined;
}

/** The most worker slots that fit in `limit` open files (0: not even one). */
function workersWithin(limit: number): number {
  return Math.max(0, Math.floor((limit - MIN_OPEN_FILES) / OPEN_FILES_PER_WORKER) + 1);
}

/**
 * Fewer worker slots when the open-files limit (ulimit -n) cannot hold them, with a warning; a limit too
 * low for any run is an EnvironmentError (exit 5) before anything starts, not EMFILE halfway through.
 */
export function fitWorkersToOpenFiles(
  workers: number,
  limit: number | undefined,
): { workers: number; warning?: string } {
  if (limit === undefined) return { workers };
  const fit = workersWithin(limit);
  if (fit < 1)
    throw new EnvironmentError(
      "E_ENV_EMFILE",
      `this process may open only ${limit} files (ulimit -n ${limit}); a run needs at least ${MIN_OPEN_FILES}, plus ${OPEN_FILES_PER_WORKER} per worker: raise the limit, e.g. ulimit -n 1024`,
    );
  if (workers <= fit) return { workers };
  return {
    workers: fit,
    warning: `ulimit -n ${limit} leaves room for ${fit} worker(s), not ${workers}: running ${fit} at once (raise the limit, e.g. ulimit -n 1024, for more)`,
  };
}
