/** Writes the JSON report atomically (temp file + rename), indent 2 like the original. */
import { writeFileAtomic } from "../util/atomic-write.js";
import type { Report } from "./build-report.js";

export function writeJsonReport(path: string, report: Report): void {
  writeFileAtomic(path, `${JSON.stringify(report, null, 2)}\n`);
}
