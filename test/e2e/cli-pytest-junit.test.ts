import { execFileSync, spawnSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { Report } from "../../src/reporters/build-report.js";
import { makeRepo } from "../helpers/git-repo.js";
import { FIXTURES } from "../helpers/paths.js";
import { reportSchemaErrors } from "../helpers/report-schema.js";
import { runGrove } from "../helpers/run-grove.js";

// .ci/run installs Debian's python3-pytest; without pytest on PATH this test cannot run at all.
const hasPytest = spawnSync("pytest", ["--version"], { stdio: "ignore" }).status === 0;

const TESTS = `import pytest

def test_get():
    assert 1 + 1 == 2

def test_post():
    assert 1 == 2, "posted twice"

@pytest.mark.skip(reason="not yet")
def test_later():
    pass

def test_put():
    assert True

class TestUsers:
    def test_delete(self):
        assert 0, "deleted nobody"
`;

describe("per-test results from the runner's own JUnit (real pytest, built CLI)", () => {
  it.skipIf(!hasPytest)(
    "the shipped pytest pipeline collects each test: report, JUnit and console name the failing one",
    async () => {
      const repo = await makeRepo({
        "tests/test_api.py": TESTS,
        "scenarios.json": JSON.stringify({
          scenarios: [
            {
              name: "api",
              description: "",
              worktree: "api",
              test_file: "tests/test_api.py",
              dependencies: [],
              timeout: 60,
              tags: [],
            },
          ],
        }),
      });
      const r = await runGrove(["run", "--setup-worktrees", "--junit", "junit.xml"], repo.main);
      expect(r.exitCode, r.stdout + r.stderr).toBe(1);
      const report = JSON.parse(readFileSync(join(repo.main, "integration_report.json"), "utf8")) as Report;
      expect(reportSchemaErrors(report)).toEqual([]);
      const api = report.scenarios[0]!;
      const byName = Object.fromEntries((api.tests ?? []).map((t) => [t.name, t.status]));
      expect(byName).toEqual({
        test_get: "passed",
        test_post: "failed",
        test_later: "skipped",
        test_put: "passed",
        test_delete: "failed",
      });
      const post = api.tests!.find((t) => t.name === "test_post")!;
      expect(post.message).toContain("posted twice");
      expect(r.stdout).toMatch(/2 of 5 tests failed: test_post, test_delete/);
      // pytest's JUnit names no file or line: both come from its traceback, so the id is pytest's own.
      expect(post).toMatchObject({ file: "tests/test_api.py", line: 7 });
      expect(r.stdout).toMatch(/✗ tests\/test_api\.py::test_post: .*posted twice/);
      // A method's id holds its class, as pytest's node id does: pasted into pytest, it runs that test.
      const id = /✗ (tests\/test_api\.py::\S+): .*deleted nobody/.exec(r.stdout)?.[1];
      expect(id).toBe("tests/test_api.py::TestUsers::test_delete");
      const again = spawnSync("pytest", ["--collect-only", "-q", id!], {
        cwd: join(repo.base, "api"),
        encoding: "utf8",
      });
      expect(again.status, again.stdout).toBe(0);
      expect(again.stdout).toMatch(/1 test collected/);

      const junit = readFileSync(join(repo.main, "junit.xml"), "utf8");
      const file = join(repo.root, "junit.xml");
      writeFileSync(file, junit);
      execFileSync("xmllint", ["--noout", "--schema", join(FIXTURES, "junit-10.xsd"), file], {
        stdio: "pipe",
      });
      expect(junit).toContain('file="tests/test_api.py"');
      expect(junit).toMatch(/<testcase name="test_post" classname="tests.test_api"[^>]*>\s*<failure/);
    },
  );
});
