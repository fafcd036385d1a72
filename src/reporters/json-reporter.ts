/** Writes the JSON report atomically (temp file + rename), indent 2 like the original. */
import { writeFileAtomic } from "../util/atomic-write.js";
import type { Report } from "./build-report.js";
import type { Reporter } from "./reporter.js";

export function writeJsonReport(path: string, report: Report): void {
  writeFileAtomic(path, `${JSON.stringify(report, null, 2)}\n`);
}

/** The JSON report as a reporter: writes the final report to each path (e.g. the user's and the run dir's). */
export class JsonReporter implements Reporter {
  constructor(private readonly paths: readonly string[]) {}

  onEnd(report: Report): void {
    for (const path of this.paths) writeJsonReport(path, report);
  }
}
