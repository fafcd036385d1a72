/**
 * GitHub Actions output (`--reporter github`, on by default when GITHUB_ACTIONS=true): an `::error`
 * annotation per failure (per failing test where the runner's JUnit names them, with file and line
 * where known), each failure's output inside `::group::`/`::endgroup::`, and a Markdown job summary
 * appended to $GITHUB_STEP_SUMMARY: counts, failures with reason and tail, skipped with causes, flaky,
 * leaks, the slowest scenarios and the critical path the run actually took (from its timestamps, not
 * the plan's expectation). Works from the final report and the plan's dependencies.
 * Not responsible for: colour (the console reporter; FORCE_COLOR turns it on in CI logs).
 */
import { appendFileSync } from "node:fs";
import { shellCommandLine } from "../util/shell-quote.js";
import { stripControl } from "../util/strip-control.js";
import { actualCriticalPath } from "./actual-critical-path.js";
import type { Report, ReportScenario } from "./build-report.js";
import { fileOfTestId } from "./junit-reporter.js";
import type { Reporter } from "./reporter.js";
import { failingTests, testCaseId } from "./test-case-id.js";

export interface GithubOptions {
  write(text: string): void;
  /** $GITHUB_STEP_SUMMARY; no summary without it. */
  summaryPath?: string;
  /** Each scenario's dependencies in the plan, to walk the actual critical path back. */
  dependencies?: ReadonlyMap<string, readonly string[]>;
}

/** Workflow-command escaping (actions/toolkit `command.ts`): data escapes %, CR, LF; properties also : and ,. */
const escapeData = (s: string) => s.replace(/%/g, "%25").replace(/\r/g, "%0D").replace(/\n/g, "%0A");
const escapeProperty = (s: string) => escapeData(s).replace(/:/g, "%3A").replace(/,/g, "%2C");

function command(name: string, props: Record<string, string | number | undefined>, message: string): string {
  const p = Object.entries(props)
    .filter((e): e is [string, string | number] => e[1] !== undefined && e[1] !== "")
    .map(([k, v]) => `${k}=${escapeProperty(String(v))}`)
    .join(",");
  return `::${name}${p ? ` ${p}` : ""}::${escapeData(message)}\n`;
}

const isFailure = (s: ReportScenario) =>
  s.status === "failed" || s.status === "errored" || s.status === "timed-out";

/** Markdown-safe text for a table cell or a line. */
const md = (s: string) => stripControl(s).replace(/\|/g, "\\|").replace(/\n/g, " ");
const fence = (s: string) => {
  const text = stripControl(s).trimEnd();
  const ticks = "`".repeat(Math.max(3, ...[...text.matchAll(/`+/g)].map((m) => m[0].length + 1)));
  return `${ticks}text\n${text}\n${ticks}`;
};

export class GithubReporter implements Reporter {
  constructor(private readonly o: GithubOptions) {}

  onEnd(report: Report): void {
    for (const s of report.scenarios.filter(isFailure)) {
      const file = fileOfTestId(s.test_file);
      const tests = failingTests(s.tests);
      if (tests.length > 0)
        for (const t of tests)
          this.o.write(
            command(
              "error",
              { file: t.file ?? file, line: t.line, title: `${s.name} › ${testCaseId(t)}` },
              stripControl(t.message ?? t.detail ?? `${t.status}`),
            ),
          );
      else
        this.o.write(command("error", { file, title: `${s.name} ${s.status}` }, `${s.detail} (${s.reason})`));
      this.o.write(`::group::${escapeData(`✗ ${s.name} [${s.worktree}] ${s.status}: ${s.detail}`)}\n`);
      this.o.write(`$ ${shellCommandLine(s.command)}\n${stripControl(s.output_tail)}\n`);
      this.o.write("::endgroup::\n");
    }
    if (this.o.summaryPath)
      appendFileSync(this.o.summaryPath, renderSummary(report, this.o.dependencies ?? new Map()));
  }
}

/** The job summary as Markdown (exported for tests). */
function renderSummary(
  report: Report,
  dependencies: ReadonlyMap<string, readonly string[]> = new Map(),
): string {
  const s = report.summary;
  const out: string[] = [];
  const verdict = s.interrupted ? "interrupted" : report.grove.exit_code === 0 ? "passed" : "failed";
  const shard = report.grove.shard ? ` (shard ${report.grove.shard.index}/${report.grove.shard.count})` : "";
  out.push(`## Grove: ${verdict}${shard}`, "");
  out.push("| total | passed | failed | timed out | errored | skipped | cancelled | flaky | seconds |");
  out.push("| --- | --- | --- | --- | --- | --- | --- | --- | --- |");
  out.push(
    `| ${s.total} | ${s.passed} | ${s.failed} | ${s.timed_out} | ${s.errors - s.timed_out} | ${s.skipped} | ${s.cancelled} | ${s.flaky} | ${s.duration} |`,
    "",
  );
  const failures = report.scenarios.filter(isFailure);
  if (failures.length > 0) {
    out.push("### Failures", "");
    for (const f of failures) {
      out.push(
        `<details><summary><b>${md(f.name)}</b> [${md(f.worktree)}] ${f.status}: ${md(f.detail)} (${md(f.reason)})</summary>`,
        "",
      );
      for (const t of failingTests(f.tests))
        out.push(`- \`${md(testCaseId(t))}\`${t.message ? `: ${md(t.message)}` : ""}`);
      if (f.output_tail) out.push("", fence(f.output_tail));
      out.push("", "</details>", "");
    }
  }
  const skipped = report.scenarios.filter((x) => x.status === "skipped");
  if (skipped.length > 0) {
    out.push("### Skipped", "", "| scenario | cause |", "| --- | --- |");
    for (const x of skipped) out.push(`| ${md(x.name)} | ${md(x.detail)} |`);
    out.push("");
  }
  const flaky = report.scenarios.filter((x) => x.flaky);
  if (flaky.length > 0) {
    out.push("### Flaky", "");
    for (const x of flaky) out.push(`- ${md(x.name)}: ${md(x.detail)}`);
    out.push("");
  }
  if (report.resource_leaks.length > 0) {
    out.push("### Leaks", "");
    for (const l of report.resource_leaks)
      out.push(
        `- ${l.type} \`${md(l.resource_id)}\`${l.scenario ? ` from ${md(l.scenario)}` : ""}${l.command ? `: ${md(l.command)}` : ""}${l.ended ? " (ended)" : ""}`,
      );
    out.push("");
  }
  const ran = report.scenarios
    .filter((x) => x.attempts > 0)
    .sort((a, b) => b.duration - a.duration || (a.name < b.name ? -1 : 1));
  if (ran.length > 0) {
    out.push("### Slowest", "", "| scenario | worktree | seconds | status |", "| --- | --- | --- | --- |");
    for (const x of ran.slice(0, 10))
      out.push(`| ${md(x.name)} | ${md(x.worktree)} | ${x.duration.toFixed(1)} | ${x.status} |`);
    out.push("");
  }
  const critical = actualCriticalPath(report.scenarios, dependencies);
  if (critical) {
    const byName = new Map(report.scenarios.map((x) => [x.name, x]));
    out.push(
      `### Critical path (actual: ${critical.seconds.toFixed(1)} s from the first's start to the last's end)`,
      "",
      critical.names.map((n) => `${md(n)} (${byName.get(n)!.duration.toFixed(1)} s)`).join(" → "),
      "",
    );
  }
  return `${out.join("\n")}\n`;
}
