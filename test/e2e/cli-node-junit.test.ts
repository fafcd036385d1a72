import { execFileSync } from "node:child_process";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { Report } from "../../src/reporters/build-report.js";
import { makeRepo } from "../helpers/git-repo.js";
import { FIXTURES, REPO_ROOT } from "../helpers/paths.js";
import { reportSchemaErrors } from "../helpers/report-schema.js";
import { runGrove } from "../helpers/run-grove.js";

const TESTS = `import test, { describe, it } from "node:test";
import assert from "node:assert";

test("adds", () => assert.equal(1 + 1, 2));
test("subtracts", () => assert.equal(2 - 1, 2, "two minus one"));
describe("strings", () => {
  it("joins", () => assert.equal(["a", "b"].join(""), "ab"));
});
`;

// The lock file of a package with no dependencies: the pipeline's link step shares the main
// repository's node_modules when the worktree's lock matches it, so no `npm ci` runs here.
const LOCK = JSON.stringify(
  {
    name: "calc",
    version: "1.0.0",
    lockfileVersion: 3,
    requires: true,
    packages: { "": { name: "calc", version: "1.0.0" } },
  },
  null,
  2,
);

describe("the shipped Node pipeline (real node --test, built CLI)", () => {
  it("reports each test from Node's own JUnit, and keeps the spec output in the log", async () => {
    const repo = await makeRepo({
      "test/calc.test.mjs": TESTS,
      "package.json": JSON.stringify({ name: "calc", version: "1.0.0", private: true }),
      "package-lock.json": LOCK,
      ".gitignore": "node_modules/\n",
      "scenarios.json": JSON.stringify({
        scenarios: [
          {
            name: "calc",
            description: "",
            worktree: "calc",
            test_file: "test/calc.test.mjs",
            dependencies: [],
            timeout: 60,
            tags: [],
          },
        ],
      }),
    });
    mkdirSync(join(repo.main, "node_modules"));
    const pipeline = join(REPO_ROOT, "pipelines/node.yaml");
    const r = await runGrove(
      ["run", "--pipeline", pipeline, "--setup-worktrees", "--junit", "junit.xml"],
      repo.main,
    );
    expect(r.exitCode, r.stdout + r.stderr).toBe(1);
    expect(r.stdout).toMatch(/1 of 3 tests failed: subtracts/);
    expect(r.stdout).toMatch(/✗ \S*subtracts: two minus one/);

    const report = JSON.parse(readFileSync(join(repo.main, "integration_report.json"), "utf8")) as Report;
    expect(reportSchemaErrors(report)).toEqual([]);
    const calc = report.scenarios[0]!;
    const byName = Object.fromEntries((calc.tests ?? []).map((t) => [t.name, t.status]));
    expect(byName).toEqual({ adds: "passed", subtracts: "failed", joins: "passed" });
    expect(calc.tests!.find((t) => t.name === "subtracts")!.message).toContain("two minus one");

    // The spec reporter still writes to the log, as `node --test` alone would.
    const log = readFileSync(join(report.grove.run_dir, calc.log_path!), "utf8");
    expect(log).toMatch(/✖ subtracts/);
    expect(log).toMatch(/✔ adds/);

    const junit = readFileSync(join(repo.main, "junit.xml"), "utf8");
    const file = join(repo.root, "junit.xml");
    writeFileSync(file, junit);
    execFileSync("xmllint", ["--noout", "--schema", join(FIXTURES, "junit-10.xsd"), file], { stdio: "pipe" });
    expect(junit).toMatch(/<testcase name="subtracts"[^>]*>\s*<failure/);
    expect(junit).toMatch(/<testcase name="joins"[^>]*\/>/);
  });
});
