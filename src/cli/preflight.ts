/**
 * Checks made before a run starts, so that a run is never thrown away at its end: every output path
 * can be written (a --report naming a directory used to run everything and then fail on the rename).
 * Nothing here writes a file.
 */
import { accessSync, constants, lstatSync, statfsSync, statSync } from "node:fs";
import { dirname, join } from "node:path";
import { UsageError } from "../errors.js";

/**
 * File systems on which mkdir of a new name fails with ENOENT although the parent exists: Node's recursive
 * mkdir then makes the parent again and retries, forever, on the main thread (Node 20: 100% CPU, deaf to
 * SIGINT and SIGTERM), so `--report /proc/x/r.json` as root hung at the end of the run.
 */
const NO_NEW_ENTRIES: ReadonlyMap<number, string> = new Map([
  [0x9fa0, "proc"],
  [0x62656572, "sysfs"],
  [0x27e0eb, "cgroup"],
  [0x63677270, "cgroup2"],
]);

/**
 * The nearest existing ancestor of `path` (itself included). A symbolic link whose target is missing
 * (or a loop of links) is returned as such: no directory can be made through it, and Node's mkdir fails
 * there with ENOENT only after the whole run.
 */
function nearestExisting(path: string): { path: string; isDirectory: boolean; brokenLink: boolean } {
  let p = path;
  for (;;) {
    try {
      return { path: p, isDirectory: statSync(p).isDirectory(), brokenLink: false };
    } catch {
      try {
        if (lstatSync(p).isSymbolicLink()) return { path: p, isDirectory: false, brokenLink: true };
      } catch {
        // nothing there at all: look further up
      }
      const up = dirname(p);
      if (up === p) return { path: p, isDirectory: true, brokenLink: false };
      p = up;
    }
  }
}

function writableDirectory(dir: string, flag: string, target: string): void {
  const existing = nearestExisting(dir);
  if (existing.brokenLink)
    throw new UsageError(
      `${flag} ${target}: ${existing.path} is a symbolic link to something missing, so no directory can be made there; create its target or choose another place`,
    );
  if (!existing.isDirectory)
    throw new UsageError(`${flag} ${target}: ${existing.path} is a file, so no directory can be made there`);
  let fsName: string | undefined;
  try {
    fsName = NO_NEW_ENTRIES.get(Number(statfsSync(existing.path).type));
  } catch {
    // cannot tell: the access check below still applies
  }
  if (fsName !== undefined)
    throw new UsageError(
      `${flag} ${target}: ${existing.path} is on a ${fsName} file system, where no file or directory can be made; choose another place`,
    );
  try {
    accessSync(existing.path, constants.W_OK);
  } catch {
    throw new UsageError(`${flag} ${target}: ${existing.path} is not writable; choose another place`);
  }
}

/** Refuses an output file path that names a directory or lies in a place that cannot be written. */
export function checkOutputFile(path: string, flag: string, example = "report.json"): void {
  let isDirectory = false;
  try {
    isDirectory = statSync(path).isDirectory();
  } catch {
    // not there yet: its directory must be makeable
  }
  if (isDirectory)
    throw new UsageError(`${flag} ${path} is a directory; name a file, e.g. ${join(path, example)}`);
  writableDirectory(dirname(path), flag, path);
}

/** Refuses an output directory path that names a file or cannot be made. */
export function checkOutputDirectory(path: string, flag: string): void {
  writableDirectory(path, flag, path);
}
