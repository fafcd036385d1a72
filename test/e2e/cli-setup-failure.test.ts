import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { Report } from "../../src/reporters/build-report.js";
import { reportSchemaErrors } from "../helpers/report-schema.js";
import { runGrove } from "../helpers/run-grove.js";
import { makeSetupFailureRepo } from "../helpers/setup-failure-repo.js";

// A setup step that fails the way npm does: the cause first, a generic last line.
// It fails in worktree "api" only.
const FAILING_STEP = [
  'if (process.env.GROVE_WORKTREE !== "api") process.exit(0);',
  "console.error('npm error The `npm ci` command can only install with an existing package-lock.json');",
  "console.error('npm error A complete log of this run can be found in: /root/.npm/_logs/x.log');",
  "process.exit(1);",
].join(" ");

describe("a worktree whose setup fails (built CLI, real git, real command)", () => {
  it("the summary shows the failing step's last lines and its log once; the report has both", async () => {
    const repo = await makeSetupFailureRepo(FAILING_STEP, [
      ["a", [], "api"],
      ["b", ["a"], "api"],
      ["c", ["a"], "web"],
      ["d", ["c"], "web"],
    ]);
    const r = await runGrove(["run", "--setup-worktrees"], repo.main);
    expect(r.exitCode, r.stdout + r.stderr).toBe(1);
    const section = r.stdout.slice(r.stdout.indexOf("Worktrees not ready:"), r.stdout.indexOf("Skipped:"));
    expect(section).toMatch(/^Worktrees not ready:\n {2}✗ api setup-failed: setup step 1 "install" failed: /);
    expect(section).toContain(
      "│ npm error The `npm ci` command can only install with an existing package-lock.json",
    );
    const log = /log: (\S+)/.exec(section)?.[1];
    expect(log && existsSync(log)).toBe(true);
    expect(readFileSync(log!, "utf8")).toContain("can only install with an existing package-lock.json");
    expect(r.stdout.match(/Worktrees not ready:/g)).toHaveLength(1);
    // Dependents in a worktree that is ready say what began their chain: the other worktree's problem.
    expect(r.stdout).toContain('↷ c: dependency "a" was skipped (because worktree "api" setup-failed)');
    expect(r.stdout).toContain('↷ d: dependency "c" was skipped (because worktree "api" setup-failed)');

    const report = JSON.parse(readFileSync(join(repo.main, "integration_report.json"), "utf8")) as Report;
    expect(reportSchemaErrors(report)).toEqual([]);
    expect(report.worktrees[0]).toMatchObject({
      name: "api",
      state: "setup-failed",
      log_path: "logs/worktree-api.install.log",
    });
    expect(join(report.grove.run_dir, report.worktrees[0]!.log_path!)).toBe(log);
    expect(report.worktrees[0]!.output_tail).toContain("existing package-lock.json");
    // Every skip of the chain names, for programs, the worktree and the problem that began it: "a"
    // for its own worktree, its dependents in "api" and in "web", and two levels down.
    const skips = Object.fromEntries(report.scenarios.map((s) => [s.name, s.skip]));
    const root = { worktree: "api", problem: "setup-failed" };
    expect(skips).toStrictEqual({
      a: {
        reason: "setup-failed",
        detail: expect.stringMatching(/^worktree "api" setup-failed: /),
        rootCause: root,
      },
      b: {
        reason: "dependency-failed",
        detail: 'dependency "a" was skipped (because worktree "api" setup-failed)',
        dependency: "a",
        rootCause: root,
      },
      c: {
        reason: "dependency-failed",
        detail: 'dependency "a" was skipped (because worktree "api" setup-failed)',
        dependency: "a",
        rootCause: root,
      },
      d: {
        reason: "dependency-failed",
        detail: 'dependency "c" was skipped (because worktree "api" setup-failed)',
        dependency: "c",
        rootCause: root,
      },
    });
    // The root cause's worktree is the report's, in the state it names.
    expect(report.worktrees.find((w) => w.name === root.worktree)?.state).toBe(root.problem);
  });
});
