/** `grove merge-reports REPORT...`: the shards' JSON reports into one report, JUnit and HTML; exits as the whole run would. */
import { readFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { UsageError } from "../../errors.js";
import type { Report } from "../../reporters/build-report.js";
import { GithubReporter } from "../../reporters/github-reporter.js";
import { renderHtmlSummary } from "../../reporters/html-summary.js";
import { writeJsonReport } from "../../reporters/json-reporter.js";
import { renderJUnit } from "../../reporters/junit-reporter.js";
import { MergeProblem, mergeReports, type ShardReport } from "../../reporters/merge-reports.js";
import { recordTimings, reportDurations } from "../../reporters/timings-store.js";
import { gitTopLevel } from "../../steps/git-query.js";
import { writeFileAtomic } from "../../util/atomic-write.js";
import { GROVE_VERSION } from "../../version.js";
import { EXIT } from "../exit-codes.js";
import { formatOptions, type OptionSpecs, parseArgs } from "../parse-args.js";
import { parseReportJson } from "../report-json.js";
import type { CommandIo } from "./command-io.js";

/** The options of `grove merge-reports`. */
export const MERGE_REPORTS_OPTIONS = {
  report: {
    type: "string",
    valueName: "FILE",
    description: "Merged JSON report (default integration_report.json)",
  },
  junit: { type: "string", valueName: "FILE", description: "Also write the merged JUnit XML here" },
  "html-report": { type: "string", valueName: "FILE", description: "Also write an HTML summary here" },
  "record-timings": {
    type: "boolean",
    description:
      "Record the merged durations in .grove/timings.json of the repository here (for the next plan)",
  },
  github: {
    type: "boolean",
    negatable: true,
    description: "GitHub annotations and job summary for the merged run (default on under GITHUB_ACTIONS)",
  },
  help: { type: "boolean", description: "Show this help" },
} satisfies OptionSpecs;

const MERGE_HELP = `Usage: grove merge-reports [options] REPORT...

Merge the JSON reports of the shards of one run (grove run --shard i/n) into one report, and
optionally JUnit XML and an HTML summary. Checks that they come from the same plan and that every
scenario appears exactly once. Exits as the whole run would have: 0 all passed, 1 something did
not pass, 2 the reports do not make up one run, 130 a shard was interrupted.

Options:
${formatOptions(MERGE_REPORTS_OPTIONS)}

Example:
  grove merge-reports shard-*/report.json --report report.json --junit junit.xml
`;

export async function mergeReportsCommand(argv: readonly string[], io: CommandIo): Promise<number> {
  const { values, positionals } = parseArgs(argv, MERGE_REPORTS_OPTIONS, "merge-reports");
  if (values.help) {
    io.stdout(MERGE_HELP);
    return EXIT.ok;
  }
  if (positionals.length === 0)
    throw new UsageError("merge-reports needs the shards' reports: grove merge-reports REPORT...");
  const inputs = positionals.map(
    (p): ShardReport => ({ file: p, report: readReport(resolve(io.cwd, p), p) }),
  );
  const out = resolve(io.cwd, values.report ?? "integration_report.json");
  let merged: Report;
  try {
    merged = mergeReports(inputs, { version: GROVE_VERSION, runDir: dirname(out) });
  } catch (error) {
    if (error instanceof MergeProblem) throw new UsageError(`merge-reports: ${error.message}`);
    throw error;
  }
  writeJsonReport(out, merged);
  const junit = values.junit ? resolve(io.cwd, values.junit) : undefined;
  if (junit) writeFileAtomic(junit, renderJUnit(merged));
  const html = values["html-report"] ? resolve(io.cwd, values["html-report"]) : undefined;
  if (html) writeFileAtomic(html, renderHtmlSummary(merged));
  if (values["record-timings"]) {
    const top = await gitTopLevel(io.cwd);
    if (!top) throw new UsageError(`--record-timings: ${io.cwd} is not in a git repository`);
    recordTimings(top, reportDurations(merged));
  }
  if (values.github ?? io.env.GITHUB_ACTIONS === "true")
    new GithubReporter({
      write: io.stdout,
      ...(io.env.GITHUB_STEP_SUMMARY ? { summaryPath: io.env.GITHUB_STEP_SUMMARY } : {}),
      // The plan is not here (no scenarios file is read): the reports keep each scenario's dependencies.
      dependencies: new Map(merged.scenarios.map((s) => [s.name, s.dependencies ?? []])),
    }).onEnd(merged);
  const s = merged.summary;
  // An interrupted shard is why the merge exits 130 and why some scenarios are cancelled: say both.
  const interrupted = inputs.filter(({ report }) => report.summary.interrupted).length;
  const how = interrupted
    ? `, ${interrupted === 1 ? "one of them" : `${interrupted} of them`} interrupted`
    : "";
  io.stdout(
    `Merged ${inputs.length} report(s)${how}: ${s.total} scenario(s): ${s.passed} passed${s.flaky ? ` (${s.flaky} flaky)` : ""}, ${s.failed} failed, ${s.timed_out} timed out, ${s.errors - s.timed_out} errored, ${s.skipped} skipped${s.cancelled ? `, ${s.cancelled} cancelled` : ""}\nReport: ${out}${junit ? `   JUnit: ${junit}` : ""}${html ? `   HTML: ${html}` : ""}\n`,
  );
  return merged.grove.exit_code;
}

function readReport(path: string, shown: string): Report {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch {
    throw new UsageError(`merge-reports: cannot read ${shown} (${path})`);
  }
  const report = parseReportJson(
    text,
    shown,
    "a report Grove writes is whole JSON: this one was cut short or edited; run its shard again",
  ) as Report;
  if (!report || typeof report !== "object" || !Array.isArray(report.scenarios) || !report.grove)
    throw new UsageError(`merge-reports: ${shown} is not a Grove report (no "scenarios" and "grove" fields)`);
  return report;
}
