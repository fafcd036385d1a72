import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { loadScenariosFile, parseScenarios } from "../../../src/config/load-scenarios.js";
import { ConfigError } from "../../../src/errors.js";
import { REFERENCE_SCENARIOS } from "../../helpers/paths.js";

function problems(text: string): string[] {
  try {
    parseScenarios("s.json", text);
  } catch (error) {
    if (error instanceof ConfigError)
      return error.diagnostics.map(
        (d) => `${d.location.line}:${d.location.column} ${d.location.path ?? ""} ${d.message}`,
      );
    throw error;
  }
  return [];
}

const one = (fields: string) =>
  `{"scenarios": [{"name": "a", "worktree": "w", "test_file": "t.py"${fields}}]}`;

describe("loadScenariosFile", () => {
  it("loads the original coordinator's real scenarios file unchanged", () => {
    const loaded = loadScenariosFile(REFERENCE_SCENARIOS);
    expect(loaded.scenarios).toHaveLength(19);
    expect(new Set(loaded.scenarios.map((s) => s.worktree)).size).toBe(6);
    const raw = JSON.parse(readFileSync(REFERENCE_SCENARIOS, "utf8")).scenarios[3];
    const s = loaded.scenarios[3]!;
    expect([s.name, s.worktree, s.testFile, s.dependencies, s.timeout, s.tags]).toEqual([
      raw.name,
      raw.worktree,
      raw.test_file,
      raw.dependencies,
      raw.timeout,
      raw.tags,
    ]);
    expect(s.retryCount).toBeUndefined();
  });

  it("tolerates // and /* */ comments and trailing commas", () => {
    const text = `{
      // the usage guide shows comments
      "scenarios": [ /* one */ {"name": "a", "worktree": "w", "test_file": "t.py",}, ],
    }`;
    expect(parseScenarios("s.json", text).scenarios.map((s) => s.name)).toEqual(["a"]);
  });

  it("points at the line and column of a syntax error", () => {
    expect(problems('{\n  "scenarios": [\n    {"name": "a",, }\n]}')[0]).toMatch(/^3:18 .*invalid JSON/);
  });

  it("text after the document's end is told to be deleted, or a closing bracket too many removed", () => {
    const diagnostics = (text: string) => {
      try {
        parseScenarios("s.json", text);
      } catch (error) {
        if (error instanceof ConfigError) return error.diagnostics;
        throw error;
      }
      return [];
    };
    const extraBrace = '{"scenarios": []}}';
    const appended = '{"scenarios": []}\n{"scenarios": []}\n';
    for (const [text, line, column] of [
      [extraBrace, 1, 18],
      [appended, 2, 1],
    ] as const) {
      const [d, ...more] = diagnostics(text);
      expect(more).toEqual([]);
      expect([d?.location.line, d?.location.column]).toEqual([line, column]);
      expect(d?.message).toBe(
        "invalid JSON: text after the end of the document (its top-level {...} closed before this point)",
      );
      expect(d?.hint).toMatch(/delete what follows it, or, if it belongs inside, remove the "}" or "]"/);
      expect(d?.hint).not.toMatch(/comma/);
    }
    // A missing comma inside the document still gets the comma hint.
    expect(diagnostics('{"scenarios": [] "x": 1}')[0]?.hint).toMatch(/missing comma/);
  });

  it("suggests the intended key for a misspelt one", () => {
    expect(problems(one(', "timout": 3'))).toEqual([
      expect.stringMatching(/\/scenarios\/0\/timout unknown key "timout"; did you mean "timeout"\?/),
    ]);
  });

  it("says what type was expected and where", () => {
    expect(problems(one(', "timeout": "60"'))[0]).toMatch(
      /\/scenarios\/0\/timeout expected number, found string/,
    );
    expect(problems(one(', "retry_count": -1'))[0]).toMatch(/\/scenarios\/0\/retry_count/);
  });

  it("a number too large to represent (1e400 reads as Infinity) is not called a number", () => {
    expect(problems(one(', "timeout": 1e400'))).toEqual([
      expect.stringMatching(
        /\/scenarios\/0\/timeout expected number, found Infinity \(a number too large to represent\)$/,
      ),
    ]);
    expect(problems(one(', "timeout": -1e400'))[0]).toMatch(/found -Infinity \(a number too large/);
    expect(problems(one(', "retry_count": 1e400'))[0]).toMatch(/expected integer, found Infinity/);
  });

  it('a bare list of scenarios is told to wrap it in {"scenarios": ...}', () => {
    try {
      parseScenarios("s.json", '[{"name": "a", "worktree": "w", "test_file": "t.py"}]');
      expect.unreachable("a bare list was accepted");
    } catch (error) {
      expect((error as ConfigError).diagnostics).toMatchObject([
        {
          location: { line: 1, column: 1 },
          message: expect.stringMatching(/expected an object with a "scenarios" list/),
          hint: 'wrap the list: {"scenarios": [ ... ]}',
        },
      ]);
    }
  });

  it("names both places of a duplicate scenario name", () => {
    const text = `{"scenarios": [\n{"name": "a", "worktree": "w", "test_file": "t"},\n{"name": "a", "worktree": "w", "test_file": "t"}]}`;
    expect(problems(text)).toEqual([
      expect.stringMatching(
        /^3:\d+ \/scenarios\/1\/name duplicate scenario name "a"; it is also scenario 0 \(\/scenarios\/0\/name\)/,
      ),
    ]);
  });

  it.each([
    ["../x", 'contains ".."'],
    ["/etc", "absolute"],
    ["a/b", "path separator"],
    ["-rf", 'starts with "-"'],
    ["a b", "space"],
    ["x.lock", ".lock"],
    ["a..b", '".."'],
  ])("refuses the worktree name %s", (name, why) => {
    const text = `{"scenarios": [{"name": "a", "worktree": ${JSON.stringify(name)}, "test_file": "t"}]}`;
    expect(problems(text)[0]).toContain(why);
  });

  it("refuses a test_file that would become an option", () => {
    expect(
      problems(`{"scenarios": [{"name": "a", "worktree": "w", "test_file": "--collect-only"}]}`)[0],
    ).toMatch(/test_file "--collect-only" starts with "-"/);
  });

  it("needs test_file unless run is given, and checks run's templates", () => {
    expect(problems(`{"scenarios": [{"name": "a", "worktree": "w"}]}`)[0]).toMatch(
      /missing required key "test_file"/,
    );
    expect(
      problems(`{"scenarios": [{"name": "a", "worktree": "w", "run": ["node", "{tset_file}"]}]}`)[0],
    ).toMatch(/unknown template variable \{tset_file\}; did you mean \{test_file\}\?/);
    const ok = parseScenarios(
      "s.json",
      `{"scenarios": [{"name": "a", "worktree": "w", "run": ["node", "{worktree_path}/x.js"], "env": {"A": "1"}}]}`,
    );
    expect(ok.scenarios[0]!.run).toEqual(["node", "{worktree_path}/x.js"]);
  });

  it("reports a missing file with a hint", () => {
    expect(() => loadScenariosFile("/nonexistent/scenarios.json")).toThrow(/scenarios file not found/);
  });
});
