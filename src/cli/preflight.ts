/**
 * Checks made before a run starts, so that a run is never thrown away at its end: every output path
 * can be written (a --report naming a directory used to run everything and then fail on the rename).
 * Nothing here writes a file.
 */
import { accessSync, constants, statSync } from "node:fs";
import { dirname, join } from "node:path";
import { UsageError } from "../errors.js";

/** The nearest existing ancestor of `path` (itself included). */
function nearestExisting(path: string): { path: string; isDirectory: boolean } {
  let p = path;
  for (;;) {
    try {
      return { path: p, isDirectory: statSync(p).isDirectory() };
    } catch {
      const up = dirname(p);
      if (up === p) return { path: p, isDirectory: true };
      p = up;
    }
  }
}

function writableDirectory(dir: string, flag: string, target: string): void {
  const existing = nearestExisting(dir);
  if (!existing.isDirectory)
    throw new UsageError(`${flag} ${target}: ${existing.path} is a file, so no directory can be made there`);
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
