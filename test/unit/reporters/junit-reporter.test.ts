import { execFileSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { XMLParser } from "fast-xml-parser";
import { describe, expect, it } from "vitest";
import type { TestCaseResult } from "../../../src/events.js";
import { renderJUnit } from "../../../src/reporters/junit-reporter.js";
import { FIXTURES } from "../../helpers/paths.js";
import { attempt, report, result } from "../../helpers/sample-report.js";
import { tempDir } from "../../helpers/temp-dir.js";

const XSD = join(FIXTURES, "junit-10.xsd");

/** xmllint's verdict on the document against Jenkins' junit-10.xsd ("" when valid). */
function schemaErrors(xml: string): string {
  const file = join(tempDir("grove-junit-"), "junit.xml");
  writeFileSync(file, xml);
  try {
    execFileSync("xmllint", ["--noout", "--schema", XSD, file], { stdio: "pipe" });
    return "";
  } catch (error) {
    return String((error as { stderr?: Buffer }).stderr ?? error);
  }
}

const parse = (xml: string) =>
  new XMLParser({
    ignoreAttributes: false,
    attributeNamePrefix: "",
    isArray: (_n: string, _p: unknown, _l: boolean, isAttribute: boolean) => !isAttribute,
  }).parse(xml);

const mixed = report(
  [
    result("ok", "passed", [attempt(1, "passed", "\u001b[32mgreen\u001b[0m done")]),
    result("bad", "failed", [
      attempt(1, "failed", "first try\u0007"),
      attempt(2, "failed", "E   assert 1 == 2 ]]> <tag> & \u0000"),
    ]),
    result("flaky", "passed", [attempt(1, "failed", "boom"), attempt(2, "passed", "fine")]),
    result("slow", "timed-out", [attempt(1, "timed-out", "sleeping")], { worktree: "w2" }),
    result("after", "skipped", [], { worktree: "w2" }),
    result("stopped", "cancelled", [], { worktree: "w2" }),
  ],
  { testFiles: new Map([["ok", "tests/test_ok.py::test_a"]]) },
);

describe("JUnit reporter", () => {
  it("is valid against Jenkins' junit-10.xsd, with retries, skips, errors and hostile output", () => {
    const xml = renderJUnit(mixed);
    expect(schemaErrors(xml)).toBe("");
  });

  it("counts what the suites hold and keeps no ANSI or control characters", () => {
    const xml = renderJUnit(mixed);
    expect(xml).not.toMatch(/\u001b|\[32m|\u0007|\u0000/);
    const doc = parse(xml);
    const root = doc.testsuites[0];
    expect(root).toMatchObject({ name: "grove", tests: "6", failures: "1", errors: "1" });
    const w2 = root.testsuite.find((s: { name: string }) => s.name === "w2");
    expect(w2).toMatchObject({ tests: "3", failures: "0", errors: "1", skipped: "2" });
  });

  it("puts the output tail in system-out as CDATA and retries as Surefire's rerun/flaky elements", () => {
    const xml = renderJUnit(mixed);
    expect(xml).toContain("<![CDATA[log: logs/x.2.test.log\nE   assert 1 == 2 ]]]]><![CDATA[> <tag> & ]]>");
    const cases = parse(xml).testsuites[0].testsuite.flatMap((s: { testcase: unknown[] }) => s.testcase);
    const byName = new Map(cases.map((c: { name: string }) => [c.name, c]));
    const bad = byName.get("bad") as Record<string, unknown[]>;
    expect(bad.failure).toHaveLength(1);
    expect(bad.rerunFailure).toHaveLength(1);
    const flaky = byName.get("flaky") as Record<string, unknown[]>;
    expect(flaky.failure).toBeUndefined();
    expect(flaky.flakyFailure).toHaveLength(1);
    expect((byName.get("slow") as Record<string, unknown[]>).error).toHaveLength(1);
    // No command line, no absolute path in a file attribute.
    expect(xml).not.toContain('file="pytest');
  });

  it("gives a scenario's own tests a suite of their own, with the file as a path", () => {
    const tests = [
      { classname: "tests.test_api", name: "test_get", status: "passed" as const, seconds: 0.1 },
      {
        classname: "tests.test_api",
        name: "test_post",
        status: "failed" as const,
        seconds: 0.2,
        message: "assert 1 == 2",
        detail: "Traceback...\nE assert 1 == 2",
      },
      {
        classname: "tests.test_api",
        name: "test_skip",
        status: "skipped" as const,
        seconds: 0,
        message: "later",
      },
    ];
    const r = report(
      [
        result("api", "failed", [
          attempt(1, "failed", "", [{ ...tests[1]!, message: "first" }]),
          attempt(2, "failed", "", tests),
        ]),
      ],
      { testFiles: new Map([["api", "tests/test_api.py"]]) },
    );
    const xml = renderJUnit(r);
    expect(schemaErrors(xml)).toBe("");
    const suite = parse(xml).testsuites[0].testsuite[0];
    expect(suite).toMatchObject({
      name: "w1 › api",
      file: "tests/test_api.py",
      tests: "3",
      failures: "1",
      skipped: "1",
    });
    const post = suite.testcase.find((c: { name: string }) => c.name === "test_post");
    expect(post.failure[0].message).toBe("assert 1 == 2");
    expect(post.rerunFailure[0].message).toBe("first");
  });

  it("adds the scenario itself when it failed though none of its tests did (a crash, a timeout)", () => {
    const r = report([
      result("api", "timed-out", [
        attempt(1, "timed-out", "hung", [{ classname: "c", name: "t", status: "passed", seconds: 1 }]),
      ]),
    ]);
    const xml = renderJUnit(r);
    expect(schemaErrors(xml)).toBe("");
    const suite = parse(xml).testsuites[0].testsuite[0];
    expect(suite).toMatchObject({ tests: "2", errors: "1" });
  });

  it("names a scenario's suite the same whether it ran, failed before writing its tests, or was skipped", () => {
    const tests: TestCaseResult[] = [{ classname: "c", name: "t", status: "passed", seconds: 1 }];
    const r = report([
      result("api", "passed", [attempt(1, "passed", "", tests)]),
      result("cli", "failed", [attempt(1, "failed", "crashed")], { worktree: "w2" }),
      result("after", "skipped", [], { worktree: "w2" }),
    ]);
    for (const options of [{}, { suitePerScenario: true }]) {
      const xml = renderJUnit(r, options);
      expect(schemaErrors(xml)).toBe("");
      const suites = parse(xml).testsuites[0].testsuite;
      expect(suites.map((x: { name: string }) => x.name)).toEqual(["w1 › api", "w2 › cli", "w2 › after"]);
      const skipped = suites[2];
      expect(skipped).toMatchObject({ tests: "1", skipped: "1" });
      expect(skipped.testcase[0]).toMatchObject({ name: "after", classname: "w2" });
    }
    // Without per-test results anywhere: one suite per worktree, as before.
    const plain = report([result("a", "passed", [attempt(1, "passed", "")]), result("b", "skipped", [])]);
    expect(parse(renderJUnit(plain)).testsuites[0].testsuite.map((x: { name: string }) => x.name)).toEqual([
      "w1",
    ]);
  });
});
