import { resolve } from "node:path";
import { describe, expect, it } from "vitest";
import type { GroveEvent, ScenarioResult } from "../../../src/events.js";
import { ConsoleReporter } from "../../../src/reporters/console-reporter.js";
import { report } from "../../helpers/sample-report.js";

const at = "2026-01-01T00:00:00.000Z";
const result = (name: string, status: ScenarioResult["status"], extra: Partial<ScenarioResult> = {}) =>
  ({
    name,
    description: "",
    worktree: "w",
    tags: [],
    status,
    reason: status,
    detail: status === "passed" ? "passed" : `${name} ${status}`,
    flaky: false,
    attempts: [],
    ...extra,
  }) as ScenarioResult;

function reporter(tty: boolean, color = false) {
  let clock = 0;
  let out = "";
  const r = new ConsoleReporter({ write: (t) => (out += t), tty, color, now: () => clock });
  return {
    send: (e: GroveEvent) => r.onEvent(e),
    advance: (ms: number) => (clock += ms),
    take: () => {
      const o = out;
      out = "";
      return o;
    },
  };
}
const started: GroveEvent = {
  type: "run-started",
  at,
  runId: "r1",
  runDir: "/runs/r1",
  scenarios: 2,
  workers: 2,
  worktrees: ["w"],
};
const attempt = (name: string, n = 1): GroveEvent => ({
  type: "attempt-started",
  at,
  name,
  worktree: "w",
  attempt: n,
  command: ["x"],
  logPath: "l",
});

describe("console reporter's closing summary", () => {
  const summaryOf = (results: ScenarioResult[], meta = {}, failed: unknown[] = []) => {
    let out = "";
    new ConsoleReporter({
      write: (t) => (out += t),
      tty: false,
      color: false,
      files: { report: "/r.json" },
    }).onEnd(report(results, meta), failed);
    return out;
  };

  it("starts with one blank line, never two, whether or not there are failures to show", () => {
    const clean = summaryOf([result("a", "passed")]);
    expect(clean.startsWith("\n1 scenario(s)")).toBe(true);
    expect(clean).not.toContain("\n\n\n");
    const failing = summaryOf([result("a", "failed")]);
    expect(failing.startsWith("\nFailures:\n")).toBe(true);
    expect(failing).not.toContain("\n\n\n");
  });

  it("a run that fails only on its leaks (--fail-on-leak) says so under the counts", () => {
    const leaky = (exitCode: number) => {
      const r = report([result("a", "passed")], { exitCode });
      r.resource_leaks.push({
        resource_id: "process:42",
        type: "process",
        module: "m",
        command: "sleep 99",
      } as never);
      let out = "";
      new ConsoleReporter({ write: (t) => (out += t), tty: false, color: false }).onEnd(r);
      return out;
    };
    expect(leaky(1)).toMatch(/1 passed.*\nFailed: 1 leak\(s\) found, and --fail-on-leak is on\n/);
    expect(leaky(0)).not.toContain("--fail-on-leak");
  });

  it("a worktree whose setup failed is shown once, with the step's last lines and its log", () => {
    const r = report([result("a", "skipped", { detail: 'worktree "w" setup-failed: ...' })]);
    r.worktrees.push(
      {
        name: "w",
        path: "/wt/w",
        state: "setup-failed",
        detail: 'setup step 2 "install" failed: exit-non-zero (exit code 1): npm error A complete log',
        log_path: "logs/worktree-w.install.log",
        output_tail: "npm error code EUSAGE\nnpm error\nnpm error A complete log",
      },
      { name: "ok", path: "/wt/ok", state: "ready" },
      { name: "gone", path: "/wt/gone", state: "removed" },
      { name: "lost", path: "/wt/lost", state: "worktree-missing", detail: "no worktree at /wt/lost" },
    );
    let out = "";
    new ConsoleReporter({ write: (t) => (out += t), tty: false, color: false }).onEnd(r);
    const section = out.slice(out.indexOf("Worktrees not ready:"), out.indexOf("Skipped:"));
    expect(section).toBe(
      [
        "Worktrees not ready:",
        '  ✗ w setup-failed: setup step 2 "install" failed: exit-non-zero (exit code 1): npm error A complete log',
        "      │ npm error code EUSAGE",
        "      │ npm error",
        "      │ npm error A complete log",
        `      log: ${resolve(r.grove.run_dir, "logs/worktree-w.install.log")}`,
        "  ✗ lost worktree-missing: no worktree at /wt/lost",
        "",
      ].join("\n"),
    );
  });

  it("says what a reporter before it could not write, and does not name that file as written", () => {
    const full = new Error("writing /r.json (its previous content is intact): no space left on the device");
    const out = summaryOf([result("a", "passed")], {}, [full]);
    expect(out).toContain(`Not written: ${full.message}`);
    expect(out).not.toContain("Report: /r.json");
  });

  it("names the failure of the environment that stopped the run", () => {
    const out = summaryOf([result("a", "cancelled")], {
      environmentError: { code: "EMFILE", message: "starting true: too many open files (EMFILE)" },
      exitCode: 5,
    });
    expect(out).toContain("Environment failure: starting true: too many open files (EMFILE)");
    expect(out).toMatch(/\nStopped: 1 scenario\(s\)/);
  });
});

describe("console reporter, not a terminal: one line per change", () => {
  it("says when a run starts, each attempt starts (retries numbered), a failed attempt, each result with its time", () => {
    const c = reporter(false);
    c.send(started);
    expect(c.take()).toBe("Grove run r1: 2 scenario(s), 2 worker(s), logs in /runs/r1\n");
    c.send(attempt("a"));
    c.send(attempt("b", 2));
    expect(c.take()).toBe("▶ a [w]\n▶ b [w] attempt 2\n");
    c.advance(1500);
    c.send({
      type: "attempt-finished",
      at,
      name: "b",
      worktree: "w",
      result: {
        attempt: 2,
        status: "failed",
        reason: "exit-non-zero",
        steps: [],
        startedAt: at,
        endedAt: at,
        durationSeconds: 1,
      },
    });
    expect(c.take()).toBe("  attempt 2 of b failed (exit-non-zero)\n");
    c.send({ type: "scenario-finished", at, result: result("a", "passed") });
    c.send({ type: "scenario-finished", at, result: result("b", "failed") });
    c.send({ type: "scenario-finished", at, result: result("c", "skipped") });
    expect(c.take()).toBe("✓ a [w] passed 1.5s\n✗ b [w] failed: b failed 1.5s\n↷ c [w] skipped: c skipped\n");
  });

  it("shows a worktree's notable states with their detail, and no routine ones", () => {
    const c = reporter(false);
    for (const state of ["leasing", "verifying", "checking", "ready", "cleaning"] as const)
      c.send({ type: "worktree-status", at, worktree: "w", state });
    expect(c.take()).toBe("");
    c.send({
      type: "worktree-status",
      at,
      worktree: "w",
      state: "merge-conflict",
      detail: "merging main conflicts in a.txt",
    });
    expect(c.take()).toBe("worktree w: merge-conflict (merging main conflicts in a.txt)\n");
  });

  it("a flaky pass says so; a leak is named with its command", () => {
    const c = reporter(false);
    c.send({
      type: "scenario-finished",
      at,
      result: result("f", "passed", { flaky: true, detail: "passed on attempt 2" }),
    });
    c.send({
      type: "leak-found",
      at,
      leak: { resource_id: "process:42", type: "process", module: "m", command: "sleep 99" } as never,
    });
    expect(c.take()).toBe("✓ f [w] passed on attempt 2\nleak: process 42 (sleep 99)\n");
  });

  it("colours each status when asked", () => {
    const c = reporter(false, true);
    c.send({ type: "scenario-finished", at, result: result("a", "passed") });
    c.send({ type: "scenario-finished", at, result: result("t", "timed-out") });
    expect(c.take()).toBe(
      "\u001b[32m✓ a [w] passed\u001b[0m\n\u001b[33m⏱ t [w] timed-out: t timed-out\u001b[0m\n",
    );
  });
});

describe("console reporter on a terminal: a board redrawn in place", () => {
  it("draws counts and running scenarios, erases the board before each line, clears it at the end", () => {
    const c = reporter(true);
    c.send(started);
    const first = c.take();
    expect(first).toContain("Grove run r1");
    expect(first).toContain(
      "── 0/2 done · 0 passed · 0 failed · 0 timed out · 0 errored · 0 skipped · 0.0s\n",
    );
    c.advance(200);
    c.send(attempt("a"));
    // No start line on a terminal: the board shows it; cursor up over the old board, then redraw.
    expect(c.take()).toBe(
      "\u001b[1F\u001b[J── 0/2 done · 0 passed · 0 failed · 0 timed out · 0 errored · 0 skipped · 0.2s\n   ▶ a [w] 0.0s\n",
    );
    c.advance(50);
    c.send(attempt("b"));
    expect(c.take()).toBe(""); // redraws at most every 100 ms
    c.advance(1000);
    c.send({ type: "scenario-finished", at, result: result("a", "passed") });
    expect(c.take()).toBe(
      "\u001b[2F\u001b[J✓ a [w] passed 1.1s\n── 1/2 done · 1 passed · 0 failed · 0 timed out · 0 errored · 0 skipped · 1.3s\n   ▶ b [w] 1.0s\n",
    );
    c.send({ type: "run-finished", at, interrupted: false, wallSeconds: 1 });
    expect(c.take()).toBe("\u001b[2F\u001b[J");
  });
});
