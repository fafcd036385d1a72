/**
 * The built CLI with the options and pipeline settings no other test drives: --no-deps at run time and
 * --assume-deps-passed, exit_codes, retry_on, max_per_worktree, before/after step failures, pull
 * strategies, and --resume after a failure. Real git, real processes; ordering through the test rig.
 */
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { execa } from "execa";
import { describe, expect, it } from "vitest";
import { createSampleRepo, type SampleRepo } from "../../src/demo/sample-repo.js";
import { inspectorUrlOf } from "../helpers/inspector-url.js";
import { reportSchemaErrors } from "../helpers/report-schema.js";
import { runGrove, spawnGrove } from "../helpers/run-grove.js";
import { tempDir } from "../helpers/temp-dir.js";
import { TestRig } from "../helpers/test-rig.js";

interface ReportScenario {
  name: string;
  status: string;
  reason: string;
  detail: string;
  attempts: number;
  flaky: boolean;
  skip?: { dependency: string; rootCause?: object };
}
interface Report {
  summary: Record<string, number | boolean>;
  scenarios: ReportScenario[];
  grove: { run_id: string; exit_code: number; max_concurrency: number };
}

const readReport = (sample: SampleRepo): Report => {
  const report = JSON.parse(readFileSync(join(sample.mainRepo, "integration_report.json"), "utf8")) as Report;
  expect(reportSchemaErrors(report)).toEqual([]);
  return report;
};
const byName = (report: Report) => new Map(report.scenarios.map((s) => [s.name, s]));
const writeScenarios = (sample: SampleRepo, scenarios: object[]) =>
  writeFileSync(
    join(sample.mainRepo, "scenarios.json"),
    JSON.stringify({ scenarios: scenarios.map((s) => ({ tags: [], ...s })) }),
  );
const writePipeline = (sample: SampleRepo, yaml: string) =>
  writeFileSync(join(sample.mainRepo, "grove.pipeline.yaml"), yaml);
const sh = (script: string) => ["sh", "-c", script];
const git = (cwd: string, ...args: string[]) => execa("git", args, { cwd });

describe("grove run --no-deps / --assume-deps-passed (built CLI)", () => {
  it("--no-deps skips a scenario whose dependency is left out, naming it; --assume-deps-passed runs it", async () => {
    const sample = await createSampleRepo(tempDir());
    const skipping = await runGrove(["run", "--filter-worktree", "cli", "--no-deps"], sample.mainRepo);
    expect(skipping.exitCode, skipping.stderr).toBe(1);
    const first = readReport(sample);
    expect(first.scenarios.map((s) => s.name).sort()).toEqual(["cli_help", "cli_reports_parse_errors"]);
    expect(byName(first).get("cli_help")!.status).toBe("passed");
    expect(byName(first).get("cli_reports_parse_errors")).toMatchObject({
      status: "skipped",
      reason: "dependency-not-selected",
      skip: { dependency: "parser_errors", rootCause: { notSelected: "parser_errors" } },
    });
    expect(byName(first).get("cli_reports_parse_errors")!.detail).toContain("--assume-deps-passed");

    const assuming = await runGrove(
      ["run", "--filter-worktree", "cli", "--no-deps", "--assume-deps-passed"],
      sample.mainRepo,
    );
    expect(assuming.exitCode, assuming.stdout + assuming.stderr).toBe(0);
    const second = readReport(sample);
    expect(second.scenarios.map((s) => [s.name, s.status]).sort()).toEqual([
      ["cli_help", "passed"],
      ["cli_reports_parse_errors", "passed"],
    ]);
  });
});

describe("pipeline test options (built CLI)", () => {
  it("exit_codes map exit codes to statuses and reasons; retry_on retries only the statuses it names", async () => {
    const sample = await createSampleRepo(tempDir());
    writePipeline(
      sample,
      [
        "version: 1",
        "test:",
        // The table describes the pipeline's command; a scenario's own run would get plain meanings.
        "  run: [sh, -c, '{test_file}']",
        "  timeout: 30",
        "  retries: 1",
        "  retry_on: [errored]",
        "  exit_codes:",
        '    "3": passed',
        '    "5": { status: errored, reason: no-tests-collected }',
        "",
      ].join("\n"),
    );
    writeScenarios(sample, [
      { name: "exit_3", worktree: "cli", test_file: "exit 3" },
      { name: "exit_5", worktree: "cli", test_file: "exit 5" },
      // Fails on attempt 1, would pass on 2: failed is not in retry_on, so no second attempt.
      { name: "fails_once", worktree: "parser", test_file: 'test "$GROVE_ATTEMPT" -ge 2' },
      // Errors on attempt 1 (exit 5), passes on 2: errored is in retry_on.
      { name: "errors_once", worktree: "export", test_file: 'test "$GROVE_ATTEMPT" -ge 2 || exit 5' },
      // Its own run: the pipeline's table is not its command's, so exit 3 is a plain failure.
      { name: "own_run_exit_3", worktree: "export", run: sh("exit 3") },
    ]);
    const r = await runGrove(["run"], sample.mainRepo);
    expect(r.exitCode, r.stderr).toBe(1);
    const by = byName(readReport(sample));
    expect(by.get("exit_3")).toMatchObject({ status: "passed", attempts: 1 });
    expect(by.get("exit_5")).toMatchObject({ status: "errored", reason: "no-tests-collected", attempts: 2 });
    expect(by.get("fails_once")).toMatchObject({ status: "failed", reason: "exit-non-zero", attempts: 1 });
    expect(by.get("errors_once")).toMatchObject({ status: "passed", flaky: true, attempts: 2 });
    expect(by.get("own_run_exit_3")).toMatchObject({
      status: "failed",
      reason: "exit-non-zero",
      attempts: 1,
    });
  });

  it("max_per_worktree: two scenarios share a worktree at once, the third waits for a slot", async () => {
    const sample = await createSampleRepo(tempDir());
    const rig = new TestRig();
    await rig.ready();
    writePipeline(sample, "version: 1\ntest:\n  run: [node, '{test_file}']\n  max_per_worktree: 2\n");
    writeScenarios(
      sample,
      ["a", "b", "c"].map((name) => ({ name, worktree: "cli", run: rig.command(name), timeout: 60 })),
    );
    const child = spawnGrove(["run", "--workers", "4"], sample.mainRepo);
    // Both run at once: neither is released until the other has started.
    const [a, b] = await Promise.all([rig.started("a"), rig.started("b")]);
    expect(rig.count("c")).toBe(0);
    a.exit(0);
    const c = await rig.started("c");
    b.exit(0);
    c.exit(0);
    const r = await child;
    expect(r.exitCode, String(r.stderr)).toBe(0);
    const report = readReport(sample);
    expect(report.grove.max_concurrency).toBe(2);
    expect(report.summary).toMatchObject({ total: 3, passed: 3 });
  });

  it("a failing before step errors the attempt (before-step-failed) without running the test; a failing after step turns a pass into an error (after-step-failed)", async () => {
    const sample = await createSampleRepo(tempDir());
    const marks = tempDir();
    writePipeline(
      sample,
      [
        "version: 1",
        "test:",
        "  run: [node, '{test_file}']",
        "  before:",
        "    - name: prepare",
        `      run: [sh, -c, 'test "$GROVE_SCENARIO" != before_fails']`,
        "  after:",
        "    - name: collect",
        `      run: [sh, -c, 'test "$GROVE_SCENARIO" != after_fails']`,
        "",
      ].join("\n"),
    );
    const test = (name: string) => sh(`touch ${join(marks, name)}`);
    writeScenarios(sample, [
      { name: "before_fails", worktree: "cli", run: test("before_fails") },
      { name: "after_fails", worktree: "parser", run: test("after_fails") },
      { name: "plain", worktree: "export", run: test("plain") },
    ]);
    const r = await runGrove(["run"], sample.mainRepo);
    expect(r.exitCode, r.stderr).toBe(1);
    const by = byName(readReport(sample));
    expect(by.get("before_fails")).toMatchObject({ status: "errored", reason: "before-step-failed" });
    expect(existsSync(join(marks, "before_fails"))).toBe(false);
    expect(by.get("after_fails")).toMatchObject({ status: "errored", reason: "after-step-failed" });
    expect(existsSync(join(marks, "after_fails"))).toBe(true);
    expect(by.get("plain")).toMatchObject({ status: "passed" });
  });
});

describe("pull strategies (built CLI, --pull-coordinator)", () => {
  /** A coordinator branch one commit ahead of the worktrees; the cli worktree has a commit of its own. */
  async function diverged() {
    const sample = await createSampleRepo(tempDir());
    await git(sample.mainRepo, "branch", "coordinator");
    const coordinator = join(tempDir(), "coordinator");
    await git(sample.mainRepo, "worktree", "add", "-q", coordinator, "coordinator");
    writeFileSync(join(coordinator, "coordinator.txt"), "from the coordinator\n");
    await git(coordinator, "add", "coordinator.txt");
    await git(coordinator, "commit", "-q", "-m", "coordinator change");
    const cli = join(sample.basePath, "cli");
    writeFileSync(join(cli, "local.txt"), "work in the worktree\n");
    await git(cli, "add", "local.txt");
    await git(cli, "commit", "-q", "-m", "local change");
    writeScenarios(sample, [
      { name: "in_parser", worktree: "parser", run: sh("test -f coordinator.txt") },
      { name: "in_cli", worktree: "cli", run: sh("test -f coordinator.txt && test -f local.txt") },
    ]);
    return { sample, cli, parser: join(sample.basePath, "parser") };
  }
  const pipeline = (strategy: string) =>
    `version: 1\npull:\n  from: coordinator\n  strategy: ${strategy}\ntest:\n  run: [node, '{test_file}']\n`;

  it("rebase: the worktree's own commit is replayed on the coordinator's, no merge commit", async () => {
    const { sample, cli } = await diverged();
    writePipeline(sample, pipeline("rebase"));
    const r = await runGrove(["run", "--pull-coordinator"], sample.mainRepo);
    expect(r.exitCode, r.stdout + r.stderr).toBe(0);
    expect((await git(cli, "rev-list", "--merges", "HEAD")).stdout).toBe("");
    expect((await git(cli, "log", "--format=%s", "-2")).stdout).toBe("local change\ncoordinator change");
  });

  it("ff-only: a worktree that can fast-forward is updated; a diverged one fails its pull and its scenarios are skipped", async () => {
    const { sample, cli, parser } = await diverged();
    writePipeline(sample, pipeline("ff-only"));
    const before = (await git(cli, "rev-parse", "HEAD")).stdout;
    const r = await runGrove(["run", "--pull-coordinator"], sample.mainRepo);
    expect(r.exitCode).toBe(1);
    const by = byName(readReport(sample));
    expect(by.get("in_parser")!.status).toBe("passed");
    expect(existsSync(join(parser, "coordinator.txt"))).toBe(true);
    expect(by.get("in_cli")!.status).toBe("skipped");
    expect(by.get("in_cli")!.detail).toMatch(/pull|fast-forward/i);
    expect((await git(cli, "rev-parse", "HEAD")).stdout).toBe(before);
  });
});

describe("grove run --resume beyond an interrupt (built CLI)", () => {
  it("after a failure: reruns the failure and its skipped dependent, carries the pass; no report: runs all", async () => {
    const sample = await createSampleRepo(tempDir());
    const fixed = join(tempDir(), "fixed");
    writeScenarios(sample, [
      { name: "fine", worktree: "cli", run: sh("true") },
      { name: "broken", worktree: "parser", run: sh(`test -f ${fixed}`) },
      { name: "after_broken", worktree: "parser", run: sh("true"), dependencies: ["broken"] },
    ]);
    const none = await runGrove(["run", "--resume"], sample.mainRepo);
    expect(none.stderr).toContain("nothing to resume from");
    expect(none.exitCode).toBe(1);
    const first = readReport(sample);
    expect(byName(first).get("broken")!.status).toBe("failed");
    expect(byName(first).get("after_broken")!.status).toBe("skipped");

    writeFileSync(fixed, "");
    const resumed = await runGrove(["run", "--resume"], sample.mainRepo);
    expect(resumed.exitCode, resumed.stdout + resumed.stderr).toBe(0);
    expect(resumed.stdout).toContain(
      `Resuming run ${first.grove.run_id}: 1 passed scenario(s) carried over, 2 to run`,
    );
    expect(resumed.stdout).not.toMatch(/fine \[cli\] passed \d/);
    const second = readReport(sample);
    expect(second.summary).toMatchObject({ total: 3, passed: 3 });
    expect(second.scenarios.map((s) => s.name)).toEqual(["fine", "broken", "after_broken"]);
  });

  it("a pass whose scenario changed since (its command, test_file, env or worktree) is run again, not carried over", async () => {
    const sample = await createSampleRepo(tempDir());
    const fixed = join(tempDir(), "fixed");
    const scenarios = (changed: Partial<Record<string, object>>) =>
      writeScenarios(sample, [
        { name: "same", worktree: "cli", run: sh("true") },
        { name: "cmd", worktree: "cli", run: sh("true"), ...changed.cmd },
        { name: "env", worktree: "cli", run: sh('test "$MODE" != broken'), ...changed.env },
        { name: "moved", worktree: "cli", run: sh("pwd"), ...changed.moved },
        {
          name: "file",
          worktree: "parser",
          test_file: "tests/test_ok.py",
          run: ["true", "{test_file}"],
          ...changed.file,
        },
        { name: "broken", worktree: "parser", run: sh(`test -f ${fixed}`) },
        // Unchanged, but its pass was made after the old "cmd": it runs again after the new one.
        { name: "after_cmd", worktree: "cli", run: sh("true"), dependencies: ["cmd"] },
      ]);
    scenarios({});
    expect((await runGrove(["run"], sample.mainRepo)).exitCode).toBe(1);
    scenarios({
      cmd: { run: sh("false") },
      env: { env: { MODE: "broken" } },
      moved: { worktree: "parser" },
      file: { test_file: "tests/test_other.py" },
    });
    const plan = await runGrove(["plan", "--resume"], sample.mainRepo);
    expect(plan.stderr).toContain(
      "1 passed scenario(s) carried over, 6 to run (4 passed but changed since: cmd, env, file, moved; 1 passed but depends on one that runs again: after_cmd)",
    );
    const resumed = await runGrove(["run", "--resume"], sample.mainRepo);
    expect(resumed.exitCode).toBe(1);
    const report = byName(readReport(sample));
    expect(report.get("same")!.detail).toContain("(resumed)");
    expect(report.get("cmd")!.status).toBe("failed");
    expect(report.get("after_cmd")).toMatchObject({ status: "skipped", skip: { dependency: "cmd" } });
    expect(report.get("env")!.status).toBe("failed");
    expect(report.get("moved")).toMatchObject({ status: "passed", worktree: "parser" });
    expect(report.get("moved")!.detail).not.toContain("(resumed)");
    expect(report.get("file")!.detail).not.toContain("(resumed)");
  });

  it("an unreadable report is not a crash: everything runs again", async () => {
    const sample = await createSampleRepo(tempDir());
    writeScenarios(sample, [{ name: "fine", worktree: "cli", run: sh("true") }]);
    writeFileSync(join(sample.mainRepo, "integration_report.json"), "{ not json");
    const r = await runGrove(["run", "--resume"], sample.mainRepo);
    expect(r.exitCode, r.stderr).toBe(0);
    expect(r.stderr).toContain("nothing to resume from");
    expect(readReport(sample).summary).toMatchObject({ total: 1, passed: 1 });
  });
});

describe("grove run --run-dir (built CLI)", () => {
  it("the replay hint names the run directory, which grove inspect serves (the run id finds nothing there)", async () => {
    const sample = await createSampleRepo(tempDir());
    writeScenarios(sample, [{ name: "fine", worktree: "cli", run: sh("true") }]);
    const runDir = join(tempDir(), "shard run");
    const r = await runGrove(["run", "--run-dir", runDir], sample.mainRepo);
    expect(r.exitCode, r.stderr).toBe(0);
    // Quoted for a shell: the path has a space.
    expect(r.stdout.split("\n")).toContain(`Replay: grove inspect '${runDir}'`);
    const machines = JSON.parse(readFileSync(join(runDir, "machines.json"), "utf8")) as { replay?: string };
    expect(machines.replay).toBe(`'${runDir}'`);
    const inspect = spawnGrove(["inspect", runDir], sample.mainRepo);
    try {
      expect(await inspectorUrlOf(inspect)).toMatch(/^http:\/\/127\.0\.0\.1:/);
    } finally {
      inspect.kill("SIGTERM");
      await inspect;
    }
  });
});

describe("a changed setup definition (built CLI)", () => {
  it("a run without --setup-worktrees says which worktrees still have the old setup; with it, setup runs again", async () => {
    const sample = await createSampleRepo(tempDir());
    writeScenarios(sample, [{ name: "fine", worktree: "cli", run: sh("true") }]);
    const pipeline = (version: string) =>
      writePipeline(
        sample,
        `version: 1
worktree:
  branch: "feature/test-{worktree}"
  setup:
    - name: marker
      run: [sh, -c, "echo ${version} > .git-info-marker"]
  verify:
    - exists: .git-info-marker
test:
  run: [node, "{test_file}"]
`,
      );
    pipeline("v1");
    expect((await runGrove(["run", "--setup-worktrees"], sample.mainRepo)).exitCode).toBe(0);
    pipeline("v2");
    const stale = await runGrove(["run"], sample.mainRepo);
    expect(stale.exitCode, stale.stderr).toBe(0);
    expect(stale.stdout).toContain(
      "worktree cli: setup-changed (the setup definition changed since Grove ran it here; --setup-worktrees runs it again)",
    );
    const again = await runGrove(["run", "--setup-worktrees"], sample.mainRepo);
    expect(again.stdout).toContain("worktree cli: setting-up");
    expect(again.stdout).not.toContain("setup-changed");
    const marker = join(sample.basePath, "cli", ".git-info-marker");
    expect(readFileSync(marker, "utf8")).toBe("v2\n");
  });
});
