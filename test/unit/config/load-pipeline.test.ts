import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import {
  BUILTIN_PIPELINE_DIR,
  loadPipeline,
  parsePipeline,
  setInPipeline,
} from "../../../src/config/load-pipeline.js";
import { ConfigError } from "../../../src/errors.js";

function messages(text: string): string[] {
  try {
    parsePipeline("p.yaml", text);
  } catch (error) {
    if (error instanceof ConfigError)
      return error.diagnostics.map((d) => `${d.location.line}:${d.location.column} ${d.message}`);
    throw error;
  }
  return [];
}

describe("pipelines", () => {
  const shipped = readdirSync(BUILTIN_PIPELINE_DIR).filter((f) => f.endsWith(".yaml"));

  it.each(shipped)("shipped pipeline %s validates and declares its schema for editors", (file) => {
    const text = readFileSync(join(BUILTIN_PIPELINE_DIR, file), "utf8");
    expect(text.split("\n")[0]).toBe("# yaml-language-server: $schema=../schemas/pipeline.schema.json");
    expect(parsePipeline(file, text).test.run.length).toBeGreaterThan(0);
  });

  it("ships default, python-uv and node", () => {
    expect(shipped.sort()).toEqual(["default.yaml", "node.yaml", "python-uv.yaml"]);
  });

  it("the default runs pytest and reads its exit codes", () => {
    const p = loadPipeline(undefined);
    expect(p.source).toBe("builtin:default");
    expect(p.test.run).toEqual(["pytest", "{test_file}", "-v", "--junitxml={junit_path}"]);
    expect(p.test.junit).toBe("{junit_path}");
    expect(p.test.exitCodes.get(5)).toEqual({ status: "errored", reason: "pytest-no-tests-collected" });
    expect(p.test.exitCodes.get(4)).toEqual({ status: "errored", reason: "pytest-usage-error" });
    expect(p.test.maxPerWorktree).toBe(1);
  });

  it("python-uv reproduces the original's commands", () => {
    const p = loadPipeline(join(BUILTIN_PIPELINE_DIR, "python-uv.yaml"));
    expect(p.worktree.branch).toBe("feature/test-{worktree_slug}");
    expect(p.test.run).toEqual([
      "uv",
      "run",
      "python",
      "-m",
      "pytest",
      "{test_file}",
      "-v",
      "--junitxml={junit_path}",
    ]);
    expect(p.test.junit).toBe("{junit_path}");
    expect(p.pull.from).toBe("feature/integration-coordinator");
    expect(p.worktree.verify).toEqual([{ kind: "glob", pattern: "build/*.so" }]);
  });

  it("names the line of an unknown key and suggests the right one", () => {
    expect(messages("version: 1\ntest:\n  retrys: 2\n")).toEqual([
      '3:3 unknown key "retrys"; did you mean "retries"?',
    ]);
  });

  it("lists several problems in line order, whatever order the checks found them in", () => {
    const text =
      'version: 1\ntest:\n  run: [node, "{test_file}"]\n  timeout: -5\n  kill_grace: "x"\n  bogus: 1\n';
    expect(messages(text).map((m) => m.split(" ")[0])).toEqual(["4:3", "5:3", "6:3"]);
  });

  it("rejects a step with two commands, and one with none", () => {
    expect(
      messages("version: 1\ntest:\n  before:\n    - name: x\n      run: [a]\n      shell: b\n")[0],
    ).toMatch(/4:7 has run and shell; give exactly one of run, shell, link/);
    expect(messages("version: 1\ntest:\n  before:\n    - name: x\n")[0]).toMatch(
      /needs exactly one of run, shell, link/,
    );
  });

  it("rejects unknown template variables with a suggestion", () => {
    expect(messages('version: 1\ntest:\n  run: [pytest, "{tset_file}"]\n')[0]).toMatch(
      /3:17 unknown template variable \{tset_file\}; did you mean \{test_file\}\?/,
    );
    expect(messages('version: 1\nworktree:\n  branch: "x/{test_file}"\n')[0]).toMatch(
      /unknown template variable \{test_file\}/,
    );
  });

  it("rejects custom tags instead of warning", () => {
    expect(messages('version: 1\ntest: !!js/function "function(){}"\n')[0]).toMatch(
      /2:7 YAML warning treated as an error: Unresolved tag/,
    );
  });

  it("refuses an alias bomb but accepts a pipeline that reuses an anchor a hundred times", () => {
    const levels = ['a: &a ["x","x","x","x","x","x","x","x","x"]'];
    for (let i = 1; i < 9; i++)
      levels.push(
        `${String.fromCharCode(97 + i)}: &${String.fromCharCode(97 + i)} [${Array(9)
          .fill(`*${String.fromCharCode(96 + i)}`)
          .join(",")}]`,
      );
    expect(messages(`${levels.join("\n")}\nversion: 1\n`)[0]).toMatch(
      /aliases expand too much|Excessive alias count/,
    );

    const steps = Array.from(
      { length: 100 },
      (_, i) => `    - name: s${i}\n      run: [echo]\n      env: *defaults`,
    ).join("\n");
    const ok = parsePipeline(
      "p.yaml",
      `version: 1\ntest:\n  env: &defaults { A: "1" }\n  before:\n${steps}\n`,
    );
    expect(ok.test.before).toHaveLength(100);
    expect(ok.test.before[99]!.env).toEqual({ A: "1" });
  });

  it("rejects duplicate keys and a cwd that leaves the worktree", () => {
    expect(messages("version: 1\nversion: 1\n")[0]).toMatch(
      /2:1 duplicate key "version"; it is also at line 1:1/,
    );
    expect(
      messages("version: 1\ntest:\n  before:\n    - name: x\n      run: [a]\n      cwd: ../../etc\n")[0],
    ).toMatch(/cwd "..\/..\/etc" leaves the worktree/);
  });

  it("requires version 1", () => {
    expect(messages("version: 2\n")[0]).toMatch(/1:1 expected 1, found 2/);
    // YAML's .inf and .nan are numbers to JavaScript, not to the schema: say which they are.
    expect(messages("version: 1\ntest:\n  run: [pytest]\n  timeout: .inf\n")).toEqual([
      "4:3 expected number, found Infinity (a number too large to represent)",
    ]);
    expect(messages("version: 1\ntest:\n  run: [pytest]\n  timeout: .nan\n")).toEqual([
      "4:3 expected number, found NaN (not a number)",
    ]);
  });
});

describe("where a pipeline key is set", () => {
  it("names the user's file, or a grove.pipeline.yaml of their own when the built-in one is in use", () => {
    expect(setInPipeline(loadPipeline(undefined), "pull.from")).toBe(
      "set pull.from in a grove.pipeline.yaml in the main repository (the built-in pipeline is in use)",
    );
    const file = join(BUILTIN_PIPELINE_DIR, "default.yaml");
    expect(setInPipeline(loadPipeline(file), "pull.from")).toBe(`set pull.from in ${file}`);
  });
});
