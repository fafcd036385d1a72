import { copyFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { createSampleRepo } from "../../src/demo/sample-repo.js";
import { REFERENCE_SCENARIOS } from "../helpers/paths.js";
import { runGrove } from "../helpers/run-grove.js";
import { tempDir } from "../helpers/temp-dir.js";

describe("grove plan (built CLI)", () => {
  it("plans the sample repository: order, present worktrees, critical path", async () => {
    const sample = await createSampleRepo(tempDir());
    const r = await runGrove(["plan"], sample.mainRepo);
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toMatch(/Plan: 7 scenario\(s\) over 3 worktree\(s\)/);
    expect(r.stdout).toMatch(
      /Critical path \(90s expected\): lexer_basics -> parser_errors -> cli_reports_parse_errors/,
    );
    expect(r.stdout).toContain(`present  (${join(sample.basePath, "cli")})`);
  });

  it("accepts the original's spellings: grove --dry-run and grove run --dry-run", async () => {
    const sample = await createSampleRepo(tempDir(), { createWorktrees: false });
    for (const args of [["--dry-run"], ["run", "--dry-run", "--no-parallel", "--workers", "2"]]) {
      const r = await runGrove(args, sample.mainRepo);
      expect(r.exitCode, r.stderr).toBe(0);
      expect(r.stdout).toContain("missing: create it with --setup-worktrees");
    }
  });

  it("takes the run flags that shape the plan: --workers/-j, --no-parallel, --report for --last-failed, --resume; not --reporter", async () => {
    const dir = tempDir();
    copyFileSync(REFERENCE_SCENARIOS, join(dir, "scenarios.json"));
    const wall = async (...args: string[]) => {
      const r = await runGrove(["plan", "--json", ...args], dir);
      expect(r.exitCode, r.stderr).toBe(0);
      const plan = JSON.parse(r.stdout);
      return { workers: plan.workers as number, seconds: plan.expectedWallSeconds as number };
    };
    const one = await wall("--workers", "1");
    const eight = await wall("-j", "8");
    expect(one.workers).toBe(1);
    expect(eight.workers).toBe(8);
    expect(eight.seconds).toBeLessThan(one.seconds);
    expect(await wall("--no-parallel")).toEqual(one);
    const text = await runGrove(["plan", "--workers", "3"], dir);
    expect(text.stdout).toMatch(/Expected wall time on 3 worker\(s\): /);
    writeFileSync(
      join(dir, "last.json"),
      JSON.stringify({ scenarios: [{ name: "cross_module_cascading", status: "failed" }] }),
    );
    const lastFailed = await runGrove(["plan", "--json", "--last-failed", "--report", "last.json"], dir);
    expect(lastFailed.exitCode, lastFailed.stderr).toBe(0);
    expect(JSON.parse(lastFailed.stdout).order.map((o: { name: string }) => o.name)).toContain(
      "cross_module_cascading",
    );
    // --resume: the plan of what `grove run --resume` would run (the passes of the last report left out).
    const all = JSON.parse((await runGrove(["plan", "--json"], dir)).stdout).order.map(
      (o: { name: string }) => o.name,
    ) as string[];
    const passed = all.filter((name) => name !== "cross_module_cascading");
    writeFileSync(
      join(dir, "last.json"),
      JSON.stringify({
        grove: { run_id: "r1", run_dir: dir },
        scenarios: passed.map((name) => ({ name, status: "passed", attempt_results: [] })),
      }),
    );
    for (const args of [
      ["plan", "--json", "--resume", "--report", "last.json"],
      ["run", "--dry-run", "--json", "--resume", "--report", "last.json"],
    ]) {
      const resumed = await runGrove(args, dir);
      expect(resumed.exitCode, resumed.stderr).toBe(0);
      expect(resumed.stderr).toContain(
        `Resuming run r1: ${passed.length} passed scenario(s) carried over, 1 to run`,
      );
      expect(JSON.parse(resumed.stdout).order.map((o: { name: string }) => o.name)).toEqual([
        "cross_module_cascading",
      ]);
    }
    const reporter = await runGrove(["plan", "--reporter", "json"], dir);
    expect(reporter.exitCode).toBe(2);
    expect(reporter.stderr).toMatch(/--reporter/);
  });

  it("prints a machine-readable plan with --json and graphs with --graph", async () => {
    const dir = tempDir();
    copyFileSync(REFERENCE_SCENARIOS, join(dir, "scenarios.json"));
    const r = await runGrove(["plan", "--json", "--filter-tag", "cascading"], dir);
    expect(r.exitCode).toBe(0);
    const plan = JSON.parse(r.stdout);
    expect(plan.order.map((o: { name: string }) => o.name)).toEqual([
      "cross_module_parser_error",
      "cross_module_cascading",
    ]);
    expect(plan.order[0].pulledIn).toBe(true);
    expect(plan.basePath).toBe(`${dir}-worktrees`);
    const dot = await runGrove(["plan", "--graph", "dot"], dir);
    expect(dot.stdout).toContain('"parallel_worker_crash" -> "parallel_resource_cleanup";');
    const mermaid = await runGrove(["plan", "--graph", "mermaid"], dir);
    expect(mermaid.stdout.startsWith("flowchart LR")).toBe(true);
  });

  it("exits 2 with a located message and no stack trace on bad config", async () => {
    const dir = tempDir();
    writeFileSync(
      join(dir, "scenarios.json"),
      '{"scenarios": [\n  {"name": "a", "worktree": "w", "test_file": "t", "dependencies": ["a"]}\n]}',
    );
    const r = await runGrove(["plan"], dir);
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toMatch(
      /scenarios\.json:2:\d+ \(at \/scenarios\/0\/dependencies\/0\): dependency cycle: a -> a/,
    );
    expect(r.stderr).not.toMatch(/\n\s+at .*\.js:\d+/);
  });

  it("--pipeline node (a shipped pipeline's name, not a file) exits 2 naming the shipped file, which then works", async () => {
    const sample = await createSampleRepo(tempDir());
    const r = await runGrove(["plan", "--pipeline", "node"], sample.mainRepo);
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toContain(`${join(sample.mainRepo, "node")}: pipeline file not found`);
    const shipped = /to use the shipped node pipeline, pass --pipeline (\S+node\.yaml) /.exec(r.stderr)?.[1];
    expect(shipped, r.stderr).toBeDefined();
    expect(r.stderr).not.toMatch(/\n\s+at .*\.js:\d+/);
    const ok = await runGrove(["plan", "--pipeline", shipped!], sample.mainRepo);
    expect(ok.exitCode, ok.stderr).toBe(0);
    expect(ok.stdout).toContain(`pipeline:  ${shipped}`);
    // Any other missing file lists the shipped ones.
    const other = await runGrove(["plan", "--pipeline", "nope.yaml"], sample.mainRepo);
    expect(other.exitCode).toBe(2);
    expect(other.stderr).toMatch(/shipped: \S+default\.yaml, \S+node\.yaml, \S+python-uv\.yaml/);
  });

  it("exits 2, located, when two worktree names would share a branch (a_b and a-b under {worktree_slug})", async () => {
    const dir = tempDir();
    writeFileSync(
      join(dir, "grove.pipeline.yaml"),
      'version: 1\nworktree:\n  branch: "feature/test-{worktree_slug}"\ntest:\n  run: [node, "{test_file}"]\n',
    );
    writeFileSync(
      join(dir, "scenarios.json"),
      [
        '{"scenarios": [',
        '  {"name": "one", "worktree": "a_b", "test_file": "t"},',
        '  {"name": "two", "worktree": "a-b", "test_file": "t"}',
        "]}",
      ].join("\n"),
    );
    const r = await runGrove(["plan"], dir);
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toMatch(
      /scenarios\.json:3:\d+ \(at \/scenarios\/1\/worktree\): worktree "a-b" would be on branch "feature\/test-a-b", as worktree "a_b" \(scenario "one", \/scenarios\/0\/worktree\) is/,
    );
    expect(r.stderr).toContain(
      "fix: rename one of the two worktrees, or use {worktree} instead of {worktree_slug}",
    );
    // With {worktree} the two names are two branches: planned.
    writeFileSync(
      join(dir, "grove.pipeline.yaml"),
      'version: 1\nworktree:\n  branch: "feature/test-{worktree}"\ntest:\n  run: [node, "{test_file}"]\n',
    );
    expect((await runGrove(["plan"], dir)).exitCode).toBe(0);
  });

  it("exits 2 for usage errors and 4 when filters match nothing", async () => {
    const dir = tempDir();
    copyFileSync(REFERENCE_SCENARIOS, join(dir, "scenarios.json"));
    const usage = await runGrove(["plan", "--filter-tags", "x"], dir);
    expect(usage.exitCode).toBe(2);
    expect(usage.stderr).toContain('did you mean "--filter-tag"?');
    const none = await runGrove(["plan", "--filter-worktree", "nope"], dir);
    expect(none.exitCode).toBe(4);
    expect(none.stderr).toContain("no scenario matches worktree nope");
    const missing = await runGrove(["plan", "--scenarios", "nope.json"], dir);
    expect(missing.exitCode).toBe(2);
    expect(missing.stderr).toContain("scenarios file not found");
  });

  it("shows help with examples for every command", async () => {
    for (const args of [["--help"], ["plan", "--help"], ["run", "--help"], ["help", "plan"]]) {
      const r = await runGrove(args, tempDir());
      expect(r.exitCode).toBe(0);
      expect(r.stdout).toMatch(/Usage: grove/);
    }
  });
});
