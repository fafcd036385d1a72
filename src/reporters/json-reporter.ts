/** Writes the JSON report atomically (temp file + rename), indent 2 like the original. */
import { jsonChunks } from "../util/json-chunks.js";
import type { Report } from "./build-report.js";
import type { Reporter } from "./reporter.js";
import { copyOutputFile, writeOutputFile } from "./write-output.js";

/** The report as the JSON file holds it, in pieces (one scenario at a time). */
function* reportJson(report: Report): Generator<string> {
  yield* jsonChunks(report);
  yield "\n";
}

/**
 * Writes `report` to `path` atomically; a full disk is an EnvironmentError naming `path`. Written in
 * pieces: the text of 100,000 scenarios is over 100 MB, which as one string (and one buffer to write
 * it) was the peak of a large run's memory.
 */
export function writeJsonReport(path: string, report: Report): void {
  writeOutputFile(path, reportJson(report));
}

/** The JSON report as a reporter: writes the final report to each path (e.g. the user's and the run dir's). */
export class JsonReporter implements Reporter {
  constructor(private readonly paths: readonly string[]) {}

  /** Writes every path, even after one fails (the run dir's copy survives a full disk elsewhere); throws the first failure. */
  onEnd(report: Report): void {
    const [head, ...rest] = this.paths;
    if (head === undefined) return;
    let first: unknown;
    try {
      writeJsonReport(head, report);
    } catch (error) {
      first = error;
    }
    for (const path of rest) {
      try {
        // Serialised once: the other paths get a copy of the file (or, if it failed, their own write).
        if (first === undefined) copyOutputFile(head, path);
        else writeJsonReport(path, report);
      } catch (error) {
        first ??= error;
      }
    }
    if (first !== undefined) throw first;
  }
}
