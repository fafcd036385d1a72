/**
 * Console output from events: on a TTY a live board (counts, what runs where, elapsed), redrawn at
 * most every 100 ms; elsewhere one line per state change. Then the summary with each failure's reason,
 * output tail and log path. Consumes events only.
 */
import { resolve } from "node:path";
import { unreachable } from "../errors.js";
import type { GroveEvent, ScenarioResult, WorktreeEventState, WorktreeState } from "../events.js";
import { shellCommandLine } from "../util/shell-quote.js";
import { stripControl } from "../util/strip-control.js";
import type { Report } from "./build-report.js";
import { keptWorktreeFixes } from "./kept-worktree-fix.js";
import type { Reporter } from "./reporter.js";
import { failingTests, testCaseId } from "./test-case-id.js";

export interface ConsoleOptions {
  write(text: string): void;
  tty: boolean;
  color: boolean;
  now?: () => number;
  /** The files the other reporters write, named in the summary. */
  files?: { report?: string; junit?: string; html?: string };
}

/** Worktree states not worth a line of their own (the report has them). */
const ROUTINE_WORKTREE_STATES = new Set<WorktreeEventState>([
  "leasing",
  "verifying",
  "checking",
  "ready",
  "cleaning",
]);

/** A worktree's final states that are no problem: ready, cleaned up, or stopped by an interrupt (the counts say so). */
const USABLE_OR_DONE = new Set<WorktreeState>(["ready", "removed", "kept", "cancelled"]);

const ICON: Record<string, string> = {
  passed: "✓",
  failed: "✗",
  "timed-out": "⏱",
  errored: "!",
  skipped: "↷",
  cancelled: "■",
};
const COLOR: Record<string, number> = {
  passed: 32,
  failed: 31,
  "timed-out": 33,
  errored: 35,
  skipped: 90,
  cancelled: 90,
};

export class ConsoleReporter implements Reporter {
  private readonly running = new Map<string, { worktree: string; attempt: number; since: number }>();
  private readonly counts: Record<string, number> = {
    passed: 0,
    failed: 0,
    "timed-out": 0,
    errored: 0,
    skipped: 0,
    cancelled: 0,
  };
  private total = 0;
  private startedAt = 0;
  private boardLines = 0;
  private lastDraw = 0;
  private timer: NodeJS.Timeout | undefined;
  private readonly now: () => number;

  constructor(private readonly o: ConsoleOptions) {
    this.now = o.now ?? Date.now;
  }

  private paint(status: string, text: string): string {
    return this.o.color ? `\u001b[${COLOR[status] ?? 0}m${text}\u001b[0m` : text;
  }

  private elapsed(since = this.startedAt): string {
    return `${((this.now() - since) / 1000).toFixed(1)}s`;
  }

  onEvent = (event: GroveEvent): void => {
    switch (event.type) {
      case "run-started":
        this.total = event.scenarios;
        this.startedAt = this.now();
        this.line(
          `Grove run ${event.runId}: ${event.scenarios} scenario(s), ${event.workers} worker(s), logs in ${event.runDir}`,
        );
        if (this.o.tty) this.timer = setInterval(() => this.draw(), 250).unref();
        break;
      case "worktree-status":
        if (!ROUTINE_WORKTREE_STATES.has(event.state))
          this.line(`worktree ${event.worktree}: ${event.state}${event.detail ? ` (${event.detail})` : ""}`);
        break;
      case "attempt-started":
        this.running.set(event.name, { worktree: event.worktree, attempt: event.attempt, since: this.now() });
        if (!this.o.tty)
          this.line(
            `▶ ${event.name} [${event.worktree}]${event.attempt > 1 ? ` attempt ${event.attempt}` : ""}`,
          );
        else this.draw();
        break;
      case "attempt-finished":
        if (event.result.status !== "passed" && event.result.status !== "cancelled") {
          this.line(
            this.paint(
              event.result.status,
              `  attempt ${event.result.attempt} of ${event.name} ${event.result.status} (${event.result.reason})`,
            ),
          );
        }
        break;
      case "scenario-finished":
        this.finish(event.result);
        break;
      case "leak-found":
        this.line(
          this.paint(
            "failed",
            `leak: ${leakName(event.leak)}${event.leak.command ? ` (${event.leak.command})` : ""}`,
          ),
        );
        break;
      case "run-finished":
        if (this.timer) clearInterval(this.timer);
        this.clearBoard();
        break;
      case "scenario-status":
        // Shown through the attempts and results; the board counts finished scenarios only.
        break;
      default:
        unreachable(event);
    }
  };

  private finish(r: ScenarioResult): void {
    const run = this.running.get(r.name);
    this.running.delete(r.name);
    this.counts[r.status] = (this.counts[r.status] ?? 0) + 1;
    const time = run ? ` ${this.elapsed(run.since)}` : "";
    const tests = r.attempts[r.attempts.length - 1]?.test?.tests;
    const failing = failingTests(tests);
    const which =
      failing.length > 0
        ? ` (${failing.length} of ${tests!.length} tests failed: ${failing
            .slice(0, 3)
            .map((t) => t.name)
            .join(", ")}${failing.length > 3 ? ", ..." : ""})`
        : "";
    // A flaky pass's detail says that it passed and on which attempt: it stands in for the bare status.
    const verdict = r.status === "passed" && r.flaky ? r.detail : r.status;
    const detail = r.status === "passed" ? "" : `: ${r.detail}${which}`;
    this.line(this.paint(r.status, `${ICON[r.status]} ${r.name} [${r.worktree}] ${verdict}${detail}${time}`));
  }

  private line(text: string): void {
    this.clearBoard();
    this.o.write(`${text}\n`);
    if (this.o.tty) this.draw(true);
  }

  private clearBoard(): void {
    if (this.boardLines > 0) this.o.write(`\u001b[${this.boardLines}F\u001b[J`);
    this.boardLines = 0;
  }

  private draw(force = false): void {
    if (!this.o.tty || this.total === 0) return;
    if (!force && this.now() - this.lastDraw < 100) return;
    this.lastDraw = this.now();
    this.clearBoard();
    const done = Object.values(this.counts).reduce((a, b) => a + b, 0);
    const lines = [
      `── ${done}/${this.total} done · ${this.counts.passed} passed · ${this.counts.failed} failed · ${this.counts["timed-out"]} timed out · ${this.counts.errored} errored · ${this.counts.skipped} skipped · ${this.elapsed()}`,
      ...[...this.running]
        .slice(0, 12)
        .map(
          ([name, r]) =>
            `   ▶ ${name} [${r.worktree}]${r.attempt > 1 ? ` attempt ${r.attempt}` : ""} ${this.elapsed(r.since)}`,
        ),
    ];
    this.o.write(`${lines.join("\n")}\n`);
    this.boardLines = lines.length;
  }

  /** The closing summary: counts, then each non-pass with reason, output tail and log path. */
  onEnd(report: Report, failed: readonly unknown[] = []): void {
    const paths = this.o.files ?? {};
    const s = report.summary;
    const parts = [
      `${s.passed} passed${s.flaky ? ` (${s.flaky} flaky)` : ""}`,
      `${s.failed} failed`,
      `${s.timed_out} timed out`,
      `${s.errors - s.timed_out} errored`,
      `${s.skipped} skipped`,
    ];
    if (s.cancelled) parts.push(`${s.cancelled} cancelled`);
    const out: string[] = [""];
    const problems = report.scenarios.filter(
      (x) => x.status !== "passed" && x.status !== "skipped" && x.status !== "cancelled",
    );
    if (problems.length > 0) {
      out.push("Failures:");
      for (const p of problems) {
        out.push(
          this.paint(p.status, `  ${ICON[p.status]} ${p.name} [${p.worktree}] ${p.status}: ${p.detail}`),
        );
        out.push(`      $ ${shellCommandLine(p.command)}`);
        for (const t of failingTests(p.tests).slice(0, 10))
          out.push(
            this.paint(
              p.status,
              `      ✗ ${testCaseId(t)}${t.message ? `: ${stripControl(t.message)}` : ""}`,
            ),
          );
        for (const l of stripControl(p.output_tail).split("\n").slice(-8))
          if (l.trim()) out.push(`      │ ${l}`);
        if (p.log_path) out.push(`      log: ${resolve(report.grove.run_dir, p.log_path)}`);
      }
    }
    // A worktree that could not be used: its scenarios are skipped for it; here is why, once.
    const unusable = report.worktrees.filter((w) => !USABLE_OR_DONE.has(w.state));
    if (unusable.length > 0) {
      out.push("Worktrees not ready:");
      for (const w of unusable) {
        out.push(this.paint("errored", `  ✗ ${w.name} ${w.state}${w.detail ? `: ${w.detail}` : ""}`));
        for (const l of stripControl(w.output_tail ?? "")
          .split("\n")
          .slice(-8))
          if (l.trim()) out.push(`      │ ${l}`);
        if (w.log_path) out.push(`      log: ${resolve(report.grove.run_dir, w.log_path)}`);
      }
    }
    const skipped = report.scenarios.filter((x) => x.status === "skipped");
    if (skipped.length > 0) {
      out.push("Skipped:");
      for (const p of skipped) out.push(`  ↷ ${p.name}: ${p.detail}`);
    }
    for (const leak of report.resource_leaks)
      out.push(
        `Leak: ${leakName(leak)}${leak.command ? ` ${leak.command}` : ""}${leak.ended ? " (ended)" : ""}`,
      );
    for (const w of report.worktrees.filter((x) => x.kept_reasons?.length)) {
      out.push(`Kept worktree ${w.name}: ${w.kept_reasons!.join(", ")}`);
      for (const fix of keptWorktreeFixes(w.kept_reasons!)) out.push(`  fix: ${fix}`);
    }
    // One blank line between the details and the counts; none doubled when there are no details.
    if (out.length > 1) out.push("");
    const env = report.grove.environment_error;
    if (env)
      out.push(
        `Environment failure: ${env.message}; nothing new was started, what had not finished was cancelled`,
      );
    out.push(
      `${s.interrupted ? "Interrupted: " : env ? "Stopped: " : ""}${s.total} scenario(s) in ${s.duration.toFixed(1)}s: ${parts.join(", ")}`,
    );
    // Every scenario passed and the run still fails: say it is the leaks (--fail-on-leak).
    if (report.grove.exit_code === 1 && problems.length === 0 && report.resource_leaks.length > 0)
      out.push(`Failed: ${report.resource_leaks.length} leak(s) found, and --fail-on-leak is on`);
    // An output a reporter before this one could not write is not named as written.
    const unwritten = failed.map((e) => (e instanceof Error ? e.message : String(e)));
    const written = (path: string | undefined) =>
      path !== undefined && !unwritten.some((m) => m.includes(path));
    const files = [
      written(paths.report) ? `Report: ${paths.report}` : "",
      written(paths.junit) ? `JUnit: ${paths.junit}` : "",
      written(paths.html) ? `HTML: ${paths.html}` : "",
    ].filter(Boolean);
    for (const m of unwritten) out.push(`Not written: ${m}`);
    if (files.length > 0) out.push(files.join("   "));
    out.push(`Logs:   ${report.grove.run_dir}`);
    this.o.write(`${out.join("\n")}\n`);
  }
}

/** "process 42", not "process process:42": the id already says its kind. */
function leakName(leak: { type: string; resource_id: string }): string {
  const id = leak.resource_id.startsWith(`${leak.type}:`)
    ? leak.resource_id.slice(leak.type.length + 1)
    : leak.resource_id;
  return `${leak.type} ${id}`;
}
