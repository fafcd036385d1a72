import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { CommandIo } from "../../../src/cli/commands/command-io.js";
import { chooseReporters, useColor } from "../../../src/cli/run-reporters.js";
import { GithubReporter } from "../../../src/reporters/github-reporter.js";
import { NdjsonReporter } from "../../../src/reporters/ndjson-reporter.js";
import { attempt, report, result } from "../../helpers/sample-report.js";
import { tempDir } from "../../helpers/temp-dir.js";

const sample = report(
  [
    result("ok", "passed", [attempt(1, "passed")]),
    result("api", "failed", [
      attempt(1, "failed", "E  assert 1 == 2\n\u001b[31mred\u001b[0m", [
        {
          classname: "tests.test_api",
          name: "test_post",
          file: "tests/test_api.py",
          line: 7,
          status: "failed",
          seconds: 0.1,
          message: "assert 1 == 2, a:b",
        },
      ]),
    ]),
    result("slow", "timed-out", [attempt(1, "timed-out", "zzz")]),
    result("after", "skipped"),
    result("flaky", "passed", [attempt(1, "failed"), attempt(2, "passed")]),
  ],
  { testFiles: new Map([["slow", "tests/test_slow.py::test_wait"]]) },
);

describe("GitHub Actions reporter", () => {
  it("annotates each failing test with file and line, and each failing scenario otherwise, escaped", () => {
    let out = "";
    new GithubReporter({ write: (t) => (out += t) }).onEnd(sample);
    expect(out).toContain(
      "::error file=tests/test_api.py,line=7,title=api › tests/test_api.py%3A%3Atest_post::assert 1 == 2, a:b\n",
    );
    expect(out).toContain("::error file=tests/test_slow.py,title=slow timed-out::timed-out (timeout)\n");
    expect(out).toMatch(
      /::group::✗ api \[w1\] failed: failed\n\$ pytest tests\/x.py -v\nE {2}assert 1 == 2\nred\n::endgroup::/,
    );
    expect(out).not.toContain("\u001b");
    expect(out.match(/^::error/gm)).toHaveLength(2);
  });

  it("shows a failure's command quoted for a shell: a newline in an argument cannot start a workflow command", () => {
    const a = attempt(1, "failed", "boom");
    a.test!.command = ["node", "tests/my check.mjs", "x\n::error::injected"];
    let out = "";
    new GithubReporter({ write: (t) => (out += t) }).onEnd(report([result("odd", "failed", [a])]));
    expect(out).toContain("\n$ node 'tests/my check.mjs' $'x\\x0a::error::injected'\nboom\n");
    expect(out.match(/^::error/gm)).toHaveLength(1);
  });

  it("appends a job summary with counts, failures, skipped causes, flaky, slowest and the critical path", () => {
    const file = join(tempDir(), "summary.md");
    new GithubReporter({
      write: () => {},
      summaryPath: file,
      dependencies: new Map([["api", ["ok"]]]),
    }).onEnd(sample);
    new GithubReporter({ write: () => {}, summaryPath: file }).onEnd(sample);
    const md = readFileSync(file, "utf8");
    expect(md.match(/## Grove: failed/g)).toHaveLength(2);
    expect(md).toContain("| 5 | 2 | 1 | 1 | 0 | 1 | 0 | 1 | 5 |");
    expect(md).toContain("- `tests/test_api.py::test_post`: assert 1 == 2, a:b");
    expect(md).toContain('| after | dependency "a" failed |');
    expect(md).toContain("### Flaky");
    expect(md).toMatch(/### Slowest[\s\S]*\| api \| w1 \| 1.3 \| failed \|/);
    expect(md).toContain("### Critical path (actual: ");
  });
});

describe("choosing reporters", () => {
  const io = (isTTY: boolean, env: Record<string, string> = {}): CommandIo => ({
    cwd: "/",
    stdout: () => {},
    stderr: () => {},
    isTTY,
    env,
  });
  it("defaults to board on a terminal, line elsewhere, and github under Actions", () => {
    expect(chooseReporters({}, io(true)).console).toBe("board");
    expect(chooseReporters({}, io(false)).console).toBe("line");
    expect([...chooseReporters({}, io(false, { GITHUB_ACTIONS: "true" })).names]).toEqual(["github"]);
  });
  it("takes comma lists and repeats; ndjson takes stdout, the console moves to stderr", () => {
    const i = io(false);
    const c = chooseReporters({ reporter: ["ndjson,junit", "line"] }, i);
    expect([...c.names].sort()).toEqual(["junit", "line", "ndjson"]);
    expect(c.console).toBe("line");
    expect(c.human).toBe(i.stderr);
    expect(chooseReporters({ reporter: ["ndjson"] }, i).console).toBeUndefined();
    expect(chooseReporters({ reporter: ["html"] }, i).console).toBe("line");
    expect(() => chooseReporters({ reporter: ["junti"] }, i)).toThrow(/did you mean "junit"/);
    expect(() => chooseReporters({ reporter: ["board,line"] }, i)).toThrow(/pick one/);
  });
  it("colours with FORCE_COLOR even without a terminal, and not with NO_COLOR", () => {
    expect(useColor(io(false, { FORCE_COLOR: "1" }))).toBe(true);
    expect(useColor(io(false, { FORCE_COLOR: "0" }))).toBe(false);
    expect(useColor(io(true, { NO_COLOR: "1" }))).toBe(false);
    expect(useColor(io(true))).toBe(true);
  });
});

describe("ndjson reporter", () => {
  it("writes one JSON object per line, the report last", () => {
    const lines: string[] = [];
    const r = new NdjsonReporter((l) => lines.push(l));
    r.onEvent({ type: "run-finished", at: "t", interrupted: false, wallSeconds: 1 });
    r.onEnd(sample);
    expect(lines.every((l) => l.endsWith("\n") && !l.slice(0, -1).includes("\n"))).toBe(true);
    expect(JSON.parse(lines[0]!)).toMatchObject({ type: "run-finished" });
    expect(JSON.parse(lines[1]!)).toMatchObject({ type: "report", exitCode: 1, summary: { total: 5 } });
  });
});
