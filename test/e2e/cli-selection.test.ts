import { mkdirSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { createSampleRepo } from "../../src/demo/sample-repo.js";
import type { Report } from "../../src/reporters/build-report.js";
import { runGrove } from "../helpers/run-grove.js";
import { tempDir } from "../helpers/temp-dir.js";

const read = (file: string) => JSON.parse(readFileSync(file, "utf8")) as Report;
const statusOf = (r: Report) => Object.fromEntries(r.scenarios.map((s) => [s.name, [s.status, s.reason]]));

describe("selecting and stopping (built CLI)", () => {
  it("runs named scenarios with their dependencies, reruns --last-failed, and suggests names", async () => {
    const { mainRepo } = await createSampleRepo(tempDir());
    const named = await runGrove(["run", "cli_reports_parse_errors", "-j", "2"], mainRepo);
    expect(named.exitCode).toBe(1);
    expect(Object.keys(statusOf(read(join(mainRepo, "integration_report.json")))).sort()).toEqual([
      "cli_reports_parse_errors",
      "lexer_basics",
      "parser_errors",
    ]);
    const last = await runGrove(["run", "--last-failed", "--no-deps"], mainRepo);
    expect(last.exitCode).toBe(1);
    expect(Object.keys(statusOf(read(join(mainRepo, "integration_report.json")))).sort()).toEqual([
      "cli_reports_parse_errors",
      "parser_errors",
    ]);
    const typo = await runGrove(["run", "parser_eror"], mainRepo);
    expect(typo.exitCode).toBe(2);
    expect(typo.stderr).toContain('did you mean "parser_errors"');
    const grep = await runGrove(["plan", "--grep", "^export_", "--no-deps", "--json"], mainRepo);
    expect(
      JSON.parse(grep.stdout)
        .order.map((o: { name: string }) => o.name)
        .sort(),
    ).toEqual(["export_flaky_network", "export_hangs", "export_parquet"]);
  });

  it("-x: after the first failure nothing new starts; the rest is reported as not run, exit 1", async () => {
    const { mainRepo } = await createSampleRepo(tempDir());
    const r = await runGrove(["run", "-x", "-j", "1"], mainRepo);
    expect(r.exitCode).toBe(1);
    const report = read(join(mainRepo, "integration_report.json"));
    const reasons = report.scenarios.map((s) => s.reason);
    expect(reasons).toContain("max-failures");
    const failures = report.scenarios.filter((s) => ["failed", "errored", "timed-out"].includes(s.status));
    expect(failures).toHaveLength(1);
    for (const s of report.scenarios.filter((x) => x.reason === "max-failures")) {
      expect(s.status).toBe("skipped");
      expect(s.attempts).toBe(0);
    }
  });

  it("resolves a linked worktree to its main repository, finds scenarios.json there, keeps the last N runs", async () => {
    const { mainRepo, basePath } = await createSampleRepo(tempDir());
    const fromWorktree = await runGrove(["plan", "--json"], join(basePath, "parser", "tests"));
    expect(fromWorktree.exitCode, fromWorktree.stderr).toBe(0);
    expect(JSON.parse(fromWorktree.stdout)).toMatchObject({ mainRepo, basePath });
    const fromSubdir = await runGrove(["plan", "--json"], join(mainRepo, "tests"));
    expect(JSON.parse(fromSubdir.stdout)).toMatchObject({ scenariosFile: join(mainRepo, "scenarios.json") });
    const runs = join(mainRepo, ".grove", "runs");
    mkdirSync(join(runs, "not-a-run"), { recursive: true });
    for (let i = 0; i < 3; i++) await runGrove(["run", "lexer_basics", "--keep-runs", "2"], mainRepo);
    const left = readdirSync(runs).sort();
    expect(left.filter((n) => /^\d{8}-/.test(n))).toHaveLength(2);
    expect(left).toContain("not-a-run");
  });

  it("grove version and --version print the version", async () => {
    const { mainRepo } = await createSampleRepo(tempDir());
    const a = await runGrove(["version"], mainRepo);
    const b = await runGrove(["--version"], mainRepo);
    expect(a.stdout).toMatch(/^\d+\.\d+\.\d+/);
    expect(a.stdout).toBe(b.stdout);
  });
});
