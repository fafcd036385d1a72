import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { execa } from "execa";
import { describe, expect, it } from "vitest";
import { createSampleRepo } from "../../src/demo/sample-repo.js";
import { listProcesses, readEnvironment } from "../../src/resources/process-table.js";
import { makeRepo, sh } from "../helpers/git-repo.js";
import { reportSchemaErrors } from "../helpers/report-schema.js";
import { runGrove, spawnGrove, waitForOutput, waitForStream } from "../helpers/run-grove.js";
import { tempDir } from "../helpers/temp-dir.js";
import { TestRig } from "../helpers/test-rig.js";
import { waitForFile } from "../helpers/wait-for.js";

type Report = {
  summary: Record<string, number | boolean>;
  scenarios: {
    name: string;
    status: string;
    reason: string;
    detail: string;
    attempts: number;
    flaky: boolean;
    log_path: string | null;
    output_tail: string;
    skip?: { dependency: string };
  }[];
  grove: { run_id: string; run_dir: string; exit_code: number };
  by_worktree: Record<string, Record<string, number>>;
};

function groveProcessesOf(runId: string): number[] {
  return listProcesses()
    .filter((p) => p.state !== "Z" && readEnvironment(p.pid, ["GROVE_RUN_ID"]).get("GROVE_RUN_ID") === runId)
    .map((p) => p.pid);
}

describe("grove run (built CLI, real processes)", () => {
  it("runs the sample: pass, failure, skipped dependent, timeout with a stubborn grandchild, flaky retry", async () => {
    const sample = await createSampleRepo(tempDir());
    const r = await runGrove(["run", "--junit", "junit.xml"], sample.mainRepo);
    expect(r.exitCode, r.stderr).toBe(1);
    const report = JSON.parse(
      readFileSync(join(sample.mainRepo, "integration_report.json"), "utf8"),
    ) as Report;
    expect(reportSchemaErrors(report)).toEqual([]);
    const by = new Map(report.scenarios.map((s) => [s.name, s]));
    expect(by.get("lexer_basics")!.status).toBe("passed");
    expect(by.get("parser_errors")).toMatchObject({ status: "failed", reason: "exit-non-zero", attempts: 1 });
    expect(by.get("parser_errors")!.output_tail).toContain("AssertionError: expected 3 tokens, got 2");
    expect(existsSync(join(report.grove.run_dir, by.get("parser_errors")!.log_path!))).toBe(true);
    expect(by.get("cli_reports_parse_errors")).toMatchObject({
      status: "skipped",
      reason: "dependency-failed",
      skip: { dependency: "parser_errors" },
    });
    expect(by.get("export_hangs")).toMatchObject({ status: "timed-out", reason: "timeout" });
    expect(by.get("export_hangs")!.output_tail).toContain("started a stubborn helper");
    expect(by.get("export_flaky_network")).toMatchObject({
      status: "passed",
      flaky: true,
      attempts: 2,
      reason: "exit-zero",
      detail: "passed on attempt 2 (flaky: attempt 1 failed)",
    });
    expect(r.stdout).toMatch(
      /^✓ export_flaky_network \[export\] passed on attempt 2 \(flaky: attempt 1 failed\) [\d.]+s$/m,
    );
    expect(report.summary).toMatchObject({
      total: 7,
      passed: 4,
      failed: 1,
      skipped: 1,
      errors: 1,
      timed_out: 1,
      flaky: 1,
      interrupted: false,
    });
    expect(report.by_worktree.export).toEqual({ total: 3, passed: 2, failed: 0, skipped: 0, errors: 1 });
    expect(report.grove.exit_code).toBe(1);
    expect(groveProcessesOf(report.grove.run_id)).toEqual([]);
    const junit = readFileSync(join(sample.mainRepo, "junit.xml"), "utf8");
    expect(junit).toMatch(/<testsuites name="grove" tests="7" failures="1" errors="1"/);
    expect(junit).toContain('<skipped message="dependency &quot;parser_errors&quot; failed"/>');
    expect(r.stdout).toMatch(
      /7 scenario\(s\) in [\d.]+s: 4 passed \(1 flaky\), 1 failed, 1 timed out, 0 errored, 1 skipped/,
    );
  });

  it("exits 0 when everything selected passes, and records durations for the next plan", async () => {
    const sample = await createSampleRepo(tempDir());
    const r = await runGrove(["--filter-tag", "fast", "--report", "out/r.json"], sample.mainRepo);
    expect(r.exitCode, r.stdout + r.stderr).toBe(0);
    const report = JSON.parse(readFileSync(join(sample.mainRepo, "out/r.json"), "utf8")) as Report;
    expect(report.summary.total).toBe(2);
    const timings = JSON.parse(readFileSync(join(sample.mainRepo, ".grove/timings.json"), "utf8"));
    expect(Object.keys(timings).sort()).toEqual(["cli_help", "lexer_basics"]);
    const plan = await runGrove(["plan", "--json", "--filter-tag", "fast"], sample.mainRepo);
    expect(
      JSON.parse(plan.stdout).order.every((o: { expectedFrom: string }) => o.expectedFrom === "history"),
    ).toBe(true);
  });

  it("keeps running and writes its report when the reader of its output goes away (grove run | head -1)", async () => {
    const sample = await createSampleRepo(tempDir());
    const child = spawnGrove(["--filter-tag", "fast", "--report", "r.json"], sample.mainRepo);
    await waitForOutput(child, (seen) => seen.length > 0);
    child.stdout!.destroy();
    const r = await child;
    expect(r.exitCode, String(r.stderr)).toBe(0);
    expect(String(r.stderr)).not.toMatch(/EPIPE|Unhandled/);
    expect(JSON.parse(readFileSync(join(sample.mainRepo, "r.json"), "utf8")).summary.passed).toBe(2);
  });

  it("a missing worktree is a per-scenario error, not a crash", async () => {
    const sample = await createSampleRepo(tempDir(), { createWorktrees: false });
    const r = await runGrove(["run", "--filter-worktree", "cli"], sample.mainRepo);
    expect(r.exitCode).toBe(1);
    const report = JSON.parse(
      readFileSync(join(sample.mainRepo, "integration_report.json"), "utf8"),
    ) as Report;
    expect(report.scenarios.map((s) => [s.name, s.status, s.reason])).toEqual(
      expect.arrayContaining([["cli_help", "skipped", "worktree-missing"]]),
    );
    expect(report.scenarios.find((s) => s.name === "cli_help")!.detail).toContain(
      "create it with --setup-worktrees",
    );
  });

  it("shows a failure's command so that pasting it into a shell runs the same argv", async () => {
    // A test file with a space is one argument; "$ node tests/my check.mjs" would read as two.
    const args = ["it's", "back\\slash", "tab\there", ""];
    const repo = await makeRepo({
      "tests/my check.mjs": "console.log(JSON.stringify(process.argv.slice(2))); process.exit(3);\n",
      "grove.pipeline.yaml": "version: 1\n",
      "scenarios.json": JSON.stringify({
        scenarios: [
          {
            name: "spaced",
            worktree: "w",
            test_file: "tests/my check.mjs",
            run: ["node", "{test_file}", ...args],
          },
        ],
      }),
    });
    await sh(repo.main, "worktree", "add", "-q", "-b", "feature/test-w", join(repo.base, "w"));
    const r = await runGrove(["run", "--reporter", "line"], repo.main);
    expect(r.exitCode, r.stderr).toBe(1);
    const line = r.stdout
      .split("\n")
      .map((l) => l.trim())
      .find((l) => l.startsWith("$ "));
    expect(line).toBe(`$ node 'tests/my check.mjs' 'it'\\''s' 'back\\slash' $'tab\\x09here' ''`);
    const pasted = await execa("bash", ["-c", line!.slice(2)], { cwd: join(repo.base, "w"), reject: false });
    expect(pasted.exitCode).toBe(3);
    expect(JSON.parse(pasted.stdout)).toEqual(args);
  });

  it("refuses --workers 0 (exit 2); --no-parallel runs one at a time even beside --workers", async () => {
    const sample = await createSampleRepo(tempDir());
    const zero = await runGrove(["run", "--workers", "0"], sample.mainRepo);
    expect(zero.exitCode).toBe(2);
    expect(zero.stderr).toContain(`option "--workers" expects a whole number from 1 to 1024, got "0"`);
    const r = await runGrove(
      ["run", "--no-parallel", "--workers", "3", "--filter-worktree", "export", "--filter-tag", "export"],
      sample.mainRepo,
    );
    expect(r.stderr).toContain("--workers 3 is ignored");
    const report = JSON.parse(readFileSync(join(sample.mainRepo, "integration_report.json"), "utf8"));
    expect(report.grove.workers).toBe(1);
    expect(report.grove.max_concurrency).toBe(1);
  });

  it("on SIGINT stops, ends every process group, writes a partial report marked interrupted and exits 130", async () => {
    const sample = await createSampleRepo(tempDir());
    const rig = new TestRig();
    await rig.ready();
    writeFileSync(
      join(sample.mainRepo, "scenarios.json"),
      JSON.stringify({
        scenarios: [
          { name: "long", worktree: "parser", run: rig.command("long"), timeout: 60, tags: [] },
          {
            name: "after_long",
            worktree: "parser",
            test_file: "tests/pass.mjs",
            dependencies: ["long"],
            timeout: 60,
            tags: [],
          },
          { name: "quick", worktree: "cli", test_file: "tests/pass.mjs", timeout: 60, tags: [] },
        ],
      }),
    );
    const child = spawnGrove(["run"], sample.mainRepo);
    // Signal once `long` really runs and `quick` has passed: no guess at how long either takes.
    await Promise.all([rig.started("long"), waitForOutput(child, (seen) => seen.includes("✓ quick"))]);
    child.kill("SIGINT");
    const r = await child;
    expect(r.exitCode).toBe(130);
    const report = JSON.parse(
      readFileSync(join(sample.mainRepo, "integration_report.json"), "utf8"),
    ) as Report;
    expect(reportSchemaErrors(report)).toEqual([]);
    expect(report.summary.interrupted).toBe(true);
    const by = new Map(report.scenarios.map((s) => [s.name, s.status]));
    expect(by.get("long")).toBe("cancelled");
    expect(by.get("after_long")).toBe("cancelled");
    expect(by.get("quick")).toBe("passed");
    expect(groveProcessesOf(report.grove.run_id)).toEqual([]);
  });
});

describe("grove run --fail-on-leak (built CLI)", () => {
  it("reports a leaked daemon in the console and report, and fails the run only with --fail-on-leak", async () => {
    const sample = await createSampleRepo(tempDir());
    const { FIXTURES } = await import("../helpers/paths.js");
    writeFileSync(
      join(sample.mainRepo, "scenarios.json"),
      JSON.stringify({
        scenarios: [
          {
            name: "leaky",
            worktree: "cli",
            run: [process.execPath, join(FIXTURES, "spawn-daemon.mjs")],
            tags: [],
          },
        ],
      }),
    );
    const lenient = await runGrove(["run"], sample.mainRepo);
    expect(lenient.exitCode).toBe(0);
    expect(lenient.stdout).toMatch(/leak: process \d+/);
    const report = JSON.parse(readFileSync(join(sample.mainRepo, "integration_report.json"), "utf8"));
    expect(report.resource_leaks[0]).toMatchObject({
      type: "process",
      module: "leaky",
      scenario: "leaky",
      ended: true,
    });
    const strict = await runGrove(["run", "--fail-on-leak"], sample.mainRepo);
    expect(strict.exitCode).toBe(1);
  });
});

describe("grove run --resume (built CLI)", () => {
  it("after an interrupt, reruns only what did not pass and carries the passes into a complete report", async () => {
    const sample = await createSampleRepo(tempDir());
    const gate = join(sample.root, "gate-open");
    writeFileSync(
      join(sample.root, "gate.mjs"),
      `import { existsSync } from "node:fs";\nsetInterval(() => { if (existsSync(process.argv[2])) process.exit(0); }, 50);\n`,
    );
    writeFileSync(
      join(sample.mainRepo, "scenarios.json"),
      JSON.stringify({
        scenarios: [
          { name: "quick", worktree: "cli", test_file: "tests/pass.mjs", tags: [] },
          {
            name: "slow",
            worktree: "parser",
            run: [process.execPath, join(sample.root, "gate.mjs"), gate],
            timeout: 60,
            tags: [],
          },
          {
            name: "after_slow",
            worktree: "parser",
            test_file: "tests/pass.mjs",
            dependencies: ["slow"],
            tags: [],
          },
        ],
      }),
    );
    const child = spawnGrove(["run"], sample.mainRepo);
    await waitForOutput(child, (seen) => seen.includes("✓ quick") && seen.includes("▶ slow"));
    child.kill("SIGINT");
    expect((await child).exitCode).toBe(130);
    const first = JSON.parse(
      readFileSync(join(sample.mainRepo, "integration_report.json"), "utf8"),
    ) as Report;
    expect(new Map(first.scenarios.map((s) => [s.name, s.status]))).toEqual(
      new Map([
        ["quick", "passed"],
        ["slow", "cancelled"],
        ["after_slow", "cancelled"],
      ]),
    );

    writeFileSync(gate, "open");
    const resumed = await runGrove(["run", "--resume"], sample.mainRepo);
    expect(resumed.exitCode, resumed.stdout + resumed.stderr).toBe(0);
    expect(resumed.stdout).toContain(
      `Resuming run ${first.grove.run_id}: 1 passed scenario(s) carried over, 2 to run`,
    );
    expect(resumed.stdout).not.toContain("▶ quick");
    const second = JSON.parse(readFileSync(join(sample.mainRepo, "integration_report.json"), "utf8"));
    expect(reportSchemaErrors(second)).toEqual([]);
    expect(second.summary).toMatchObject({ total: 3, passed: 3 });
    expect(second.scenarios.find((s: { name: string }) => s.name === "quick").resumed_from).toBe(
      first.grove.run_id,
    );
    const nothing = await runGrove(["run", "--resume"], sample.mainRepo);
    expect(nothing.stdout).toContain("Nothing left to run");
    expect(nothing.exitCode).toBe(0);
  });
});

describe("second Ctrl-C (built CLI)", () => {
  it("ends every process at once, even one ignoring SIGTERM under a very long grace period", async () => {
    const sample = await createSampleRepo(tempDir());
    const { FIXTURES } = await import("../helpers/paths.js");
    const pidFile = join(sample.root, "grandchild.pid");
    writeFileSync(
      join(sample.mainRepo, "grove.pipeline.yaml"),
      "version: 1\ntest:\n  run: [node, '{test_file}']\n  kill_grace: 3600\n",
    );
    writeFileSync(
      join(sample.mainRepo, "scenarios.json"),
      JSON.stringify({
        scenarios: [
          {
            name: "stubborn",
            worktree: "cli",
            run: [process.execPath, join(FIXTURES, "ignore-sigterm.mjs"), pidFile],
            timeout: 600,
            tags: [],
          },
        ],
      }),
    );
    const child = spawnGrove(["run"], sample.mainRepo);
    // The first Ctrl-C once the stubborn command and its grandchild run; the second once Grove has
    // said it is stopping. With an hour's grace (the most kill_grace allows) only the second one can end the run.
    await waitForFile(pidFile);
    const stopping = waitForStream(child.stderr!, (seen) => seen.includes("stopping: no new scenarios"));
    child.kill("SIGINT");
    await stopping;
    child.kill("SIGINT");
    const r = await child;
    expect(r.exitCode).toBe(130);
    expect(String(r.stderr)).toContain("again: ending every process now");
    const report = JSON.parse(
      readFileSync(join(sample.mainRepo, "integration_report.json"), "utf8"),
    ) as Report;
    expect(report.scenarios[0]!.status).toBe("cancelled");
    expect(groveProcessesOf(report.grove.run_id)).toEqual([]);
    const { isAlive } = await import("../../src/resources/process-table.js");
    expect(isAlive(Number(readFileSync(pidFile, "utf8")))).toBe(false);
  });
});

describe("grove run at scale (built CLI; commands start from spawn helpers)", () => {
  it.each(["python", "node"])(
    "with the %s helper: outcomes, a timed-out group, a leaked daemon, all as when Grove starts commands itself",
    async (helper) => {
      const sample = await createSampleRepo(tempDir());
      const { FIXTURES } = await import("../helpers/paths.js");
      const plain = Array.from({ length: 57 }, (_, i) => ({
        name: `noop_${i}`,
        worktree: ["parser", "cli", "export"][i % 3],
        run: ["true"],
        tags: [],
      }));
      writeFileSync(
        join(sample.mainRepo, "scenarios.json"),
        JSON.stringify({
          scenarios: [
            ...plain,
            { name: "fails", worktree: "parser", run: ["sh", "-c", "echo broken; exit 3"], tags: [] },
            {
              name: "hangs",
              worktree: "cli",
              run: [process.execPath, join(FIXTURES, "ignore-sigterm.mjs"), "grandchild.pid"],
              timeout: 1,
              tags: [],
            },
            {
              name: "leaky",
              worktree: "cli",
              run: [process.execPath, join(FIXTURES, "spawn-daemon.mjs")],
              tags: [],
            },
          ],
        }),
      );
      const r = await runGrove(["run", "--workers", "4"], sample.mainRepo, { GROVE_SPAWN_HELPER: helper });
      expect(r.exitCode, String(r.stderr)).toBe(1);
      const report = JSON.parse(readFileSync(join(sample.mainRepo, "integration_report.json"), "utf8"));
      expect(reportSchemaErrors(report)).toEqual([]);
      expect(report.summary, JSON.stringify(report.summary)).toMatchObject({
        total: 60,
        passed: 58,
        timed_out: 1,
      });
      const by = new Map(report.scenarios.map((s: { name: string }) => [s.name, s]));
      expect(by.get("fails")).toMatchObject({ status: "failed", exit_code: 3, output_tail: "broken" });
      expect(by.get("hangs")).toMatchObject({ status: "timed-out", reason: "timeout" });
      expect(report.resource_leaks).toHaveLength(1);
      expect(report.resource_leaks[0]).toMatchObject({ scenario: "leaky", ended: true });
      expect(groveProcessesOf(report.grove.run_id)).toEqual([]);
    },
  );
  it("a Ctrl-C to the terminal's process group (Grove and its helper) stops, ends every group, exits 130", async () => {
    const sample = await createSampleRepo(tempDir());
    const { GROVE_BIN } = await import("../helpers/paths.js");
    const { execa } = await import("execa");
    writeFileSync(
      join(sample.mainRepo, "scenarios.json"),
      JSON.stringify({
        scenarios: Array.from({ length: 60 }, (_, i) => ({
          name: `sleepy_${i}`,
          worktree: ["parser", "cli", "export"][i % 3],
          run: ["sleep", "30"],
          tags: [],
        })),
      }),
    );
    // Its own process group, as a shell gives a foreground job: the signal reaches Grove and its helper.
    const child = execa(process.execPath, [GROVE_BIN, "run", "--workers", "4"], {
      cwd: sample.mainRepo,
      reject: false,
      detached: true,
      env: { NO_COLOR: "1" },
    });
    // The sample pipeline runs one scenario per worktree at a time: three run at once.
    await waitForOutput(child, (seen) => (seen.match(/▶ sleepy/g) ?? []).length >= 3);
    process.kill(-child.pid!, "SIGINT");
    const r = await child;
    expect(r.exitCode, String(r.stderr)).toBe(130);
    const report = JSON.parse(readFileSync(join(sample.mainRepo, "integration_report.json"), "utf8"));
    expect(report.summary).toMatchObject({ interrupted: true, total: 60, passed: 0 });
    expect(report.scenarios.every((s: { status: string }) => s.status === "cancelled")).toBe(true);
    expect(groveProcessesOf(report.grove.run_id)).toEqual([]);
  });
});
