/** Writes the JSON report atomically (temp file + rename), indent 2 like the original. */
import type { Report } from "./build-report.js";
import type { Reporter } from "./reporter.js";
import { writeOutputFile } from "./write-output.js";

/** The report as the JSON file holds it. */
function reportJson(report: Report): string {
  return `${JSON.stringify(report, null, 2)}\n`;
}

/** Writes `report` to `path` atomically; a full disk is an EnvironmentError naming `path`. */
export function writeJsonReport(path: string, report: Report): void {
  writeOutputFile(path, reportJson(report));
}

/** The JSON report as a reporter: writes the final report to each path (e.g. the user's and the run dir's). */
export class JsonReporter implements Reporter {
  constructor(private readonly paths: readonly string[]) {}

  onEnd(report: Report): void {
    // Serialised once for every path (1,000 scenarios make ~1.3 MB).
    const json = reportJson(report);
    for (const path of this.paths) writeOutputFile(path, json);
  }
}
