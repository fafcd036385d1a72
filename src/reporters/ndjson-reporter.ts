/**
 * `--reporter ndjson`: the run's event stream on stdout, one JSON object per line, for tools and coding
 * agents; the last line is `{"type":"report",...}` with the summary, the failures and the exit code.
 * The events are exactly those in events.ts (the inspector's recording holds more: machine states).
 */
import type { GroveEvent } from "../events.js";
import type { Report } from "./build-report.js";
import type { Reporter } from "./reporter.js";

export class NdjsonReporter implements Reporter {
  constructor(private readonly write: (line: string) => void) {}

  onEvent(event: GroveEvent): void {
    this.write(`${JSON.stringify(event)}\n`);
  }

  onEnd(report: Report): void {
    this.write(
      `${JSON.stringify({
        type: "report",
        at: report.timestamp,
        runId: report.grove.run_id,
        exitCode: report.grove.exit_code,
        summary: report.summary,
        failures: report.failures,
      })}\n`,
    );
  }
}
