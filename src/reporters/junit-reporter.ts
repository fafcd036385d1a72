/** JUnit XML for CI systems: one testsuite per worktree, one testcase per scenario. Pure rendering. */
import type { Report, ReportScenario } from "./build-report.js";

const xml = (s: string) =>
  s
    .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f]/g, "")
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/"/g, "&quot;");

export function renderJUnit(report: Report): string {
  const suites = new Map<string, ReportScenario[]>();
  for (const s of report.scenarios) suites.set(s.worktree, [...(suites.get(s.worktree) ?? []), s]);
  const lines = ['<?xml version="1.0" encoding="UTF-8"?>'];
  const s = report.summary;
  lines.push(
    `<testsuites name="grove" tests="${s.total}" failures="${s.failed}" errors="${s.errors}" skipped="${s.skipped + s.cancelled}" time="${s.duration}" timestamp="${xml(report.timestamp)}">`,
  );
  for (const [worktree, cases] of suites) {
    const c = (pred: (x: ReportScenario) => boolean) => cases.filter(pred).length;
    lines.push(
      `  <testsuite name="${xml(worktree)}" tests="${cases.length}" failures="${c((x) => x.status === "failed")}" errors="${c((x) => x.status === "errored" || x.status === "timed-out")}" skipped="${c((x) => x.status === "skipped" || x.status === "cancelled")}" time="${cases.reduce((t, x) => t + x.duration, 0).toFixed(3)}">`,
    );
    for (const t of cases) {
      lines.push(
        `    <testcase name="${xml(t.name)}" classname="${xml(worktree)}" time="${t.duration.toFixed(3)}" file="${xml(t.command.join(" "))}">`,
      );
      const body = xml(`${t.detail}\n${t.output_tail}`);
      if (t.status === "failed")
        lines.push(`      <failure message="${xml(t.detail)}" type="${xml(t.reason)}">${body}</failure>`);
      else if (t.status === "errored" || t.status === "timed-out")
        lines.push(`      <error message="${xml(t.detail)}" type="${xml(t.reason)}">${body}</error>`);
      else if (t.status === "skipped" || t.status === "cancelled")
        lines.push(`      <skipped message="${xml(t.detail)}"/>`);
      if (t.flaky)
        lines.push(
          `      <properties><property name="flaky" value="true"/><property name="attempts" value="${t.attempts}"/></properties>`,
        );
      if (t.log_path) lines.push(`      <system-out>${xml(`log: ${t.log_path}`)}</system-out>`);
      lines.push("    </testcase>");
    }
    lines.push("  </testsuite>");
  }
  lines.push("</testsuites>");
  return `${lines.join("\n")}\n`;
}
