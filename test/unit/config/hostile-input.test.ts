/**
 * Hostile and oversized configuration (issue #12): each is refused with a located message, never a
 * stack overflow, a hang or a silently wrong value.
 */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it, vi } from "vitest";
import { MAX_CONFIG_BYTES, MAX_NESTING_DEPTH, MAX_PIPELINE_BYTES } from "../../../src/config/input-limits.js";
import { loadPipeline, parsePipeline } from "../../../src/config/load-pipeline.js";
import { loadScenariosFile, parseScenarios } from "../../../src/config/load-scenarios.js";
import { ConfigError } from "../../../src/errors.js";
import { setLongTimeout } from "../../../src/util/long-timeout.js";
import { tempDir } from "../../helpers/temp-dir.js";

function located(load: () => unknown): string[] {
  try {
    load();
  } catch (error) {
    if (error instanceof ConfigError)
      return error.diagnostics.map(
        (d) =>
          `${d.location.line ?? "-"}:${d.location.column ?? "-"} ${d.location.path ?? ""} ${d.message}${d.hint ? ` | ${d.hint}` : ""}`,
      );
    throw error;
  }
  return [];
}
const scenarios = (text: string) => located(() => parseScenarios("s.json", text));
const pipeline = (text: string) => located(() => parsePipeline("p.yaml", text));
const one = (fields: string) =>
  `{"scenarios": [{"name": "a", "worktree": "w", "test_file": "t.py"${fields}}]}`;

describe("nesting depth", { timeout: 30_000 }, () => {
  it("refuses 10,000 open brackets at the first level too deep", () => {
    expect(scenarios("[".repeat(10_000))).toEqual([
      expect.stringMatching(
        new RegExp(`^1:${MAX_NESTING_DEPTH + 1}  nested more than ${MAX_NESTING_DEPTH} levels`),
      ),
    ]);
  });

  it('refuses {"a":{"a":...}} and a deep env, but not brackets inside strings or comments', () => {
    const deep = `${'{"a":'.repeat(5000)}1${"}".repeat(5000)}`;
    expect(scenarios(deep)[0]).toMatch(/nested more than/);
    expect(scenarios(one(`, "env": ${'{"a":'.repeat(3000)}"x"${"}".repeat(3000)}`))[0]).toMatch(
      /^1:\d+ .*nested more than/,
    );
    const brackets = "[".repeat(200);
    expect(scenarios(`// ${brackets}\n${one(`, "description": "${brackets}" /* ${brackets} */`)}`)).toEqual(
      [],
    );
  });

  it("accepts exactly the limit and refuses one more (JSON)", () => {
    const nested = (n: number) => `{"scenarios": [], "$schema": "x", "x": ${"[".repeat(n)}${"]".repeat(n)}}`;
    // depth counts the outer object: n arrays inside it
    expect(scenarios(nested(MAX_NESTING_DEPTH - 1)).join()).not.toMatch(/nested/);
    expect(scenarios(nested(MAX_NESTING_DEPTH))[0]).toMatch(/nested more than/);
  });

  it("gives Grove's message, located, for YAML nested 5,000 deep (flow and block)", () => {
    for (const text of [
      `version: 1\nname: ${"[".repeat(5000)}${"]".repeat(5000)}\n`,
      `version: 1\nname:\n${Array.from({ length: 200 }, (_, i) => `${" ".repeat(i + 1)}k:`).join("\n")} 1\n`,
      `version: 1\nname:\n  ${"- ".repeat(5000)}x\n`,
    ]) {
      const [first, ...rest] = pipeline(text);
      expect(rest).toEqual([]);
      expect(first).toMatch(/^\d+:\d+ +nested more than 64 levels deep here/);
      expect(first).not.toMatch(/call stack/i);
    }
  });
});

describe("duplicate keys, aliases, NUL", { timeout: 30_000 }, () => {
  it("reports a duplicate JSON key at the second one, naming the first", () => {
    const text =
      '{"scenarios": [{"name": "a", "worktree": "w", "test_file": "t",\n "timeout": 5, "timeout": 600}]}';
    expect(scenarios(text)).toEqual([
      expect.stringMatching(/^2:16 +duplicate key "timeout"; it is also at line 2:2/),
    ]);
  });

  it("keeps __proto__ an ordinary key (refused by the schema, not a prototype)", () => {
    expect(scenarios(one(', "__proto__": {"timeout": 1}'))[0]).toMatch(/unknown key "__proto__"/);
  });

  it("says an alias names no anchor, where, with a fix that matches", () => {
    expect(pipeline("version: 1\nname: *nope\n")).toEqual([
      expect.stringMatching(/^2:7 +alias \*nope refers to no anchor.*\| .*"&nope"/),
    ]);
  });

  it("reports a duplicate YAML key in a mapping of 20,000 keys", () => {
    const keys = Array.from({ length: 20_000 }, (_, i) => `    K${i}: v`);
    keys.push("    K7: again");
    expect(pipeline(`version: 1\ntest:\n  env:\n${keys.join("\n")}\n`)).toEqual([
      expect.stringMatching(/^20004:5 +duplicate key "K7"; it is also at line 11:5/),
    ]);
  });

  it("refuses NUL in test_file, run and env values and keys, at load", () => {
    expect(scenarios(one(', "run": ["sh", "a\\u0000b"], "env": {"X": "1\\u0000", "Y\\u0000": "2"}'))).toEqual(
      [
        expect.stringMatching(/^1:\d+ \/scenarios\/0\/run\/1 contains a NUL character/),
        expect.stringMatching(/\/scenarios\/0\/env\/X contains a NUL/),
        expect.stringMatching(/\/scenarios\/0\/env\/Y\u0000 contains a NUL/),
      ],
    );
    expect(scenarios('{"scenarios": [{"name": "a", "worktree": "w", "test_file": "t\\u0000"}]}')[0]).toMatch(
      /\/scenarios\/0\/test_file contains a NUL/,
    );
    expect(pipeline('version: 1\ntest:\n  run: [pytest, "a\\0b"]\n')[0]).toMatch(
      /^3:\d+ \/test\/run\/1 contains a NUL/,
    );
  });

  it('refuses env keys "A=B" and ""', () => {
    const problems = scenarios(one(', "env": {"A=B": "1", "": "2"}'));
    expect(problems).toHaveLength(2);
    expect(problems).toEqual([
      expect.stringMatching(/^1:\d+ \/scenarios\/0\/env\/A=B key "A=B" is not allowed here \| rename it/),
      expect.stringMatching(/^1:\d+ \/scenarios\/0\/env\/ key "" is not allowed here \| rename it/),
    ]);
    expect(pipeline('version: 1\ntest:\n  env: {"A=B": "1"}\n')[0]).toMatch(/^3:\d+ .*"A=B"/);
  });
});

describe("file limits", { timeout: 30_000 }, () => {
  it("refuses a device, a FIFO-like non-file and a directory at once", () => {
    expect(located(() => loadScenariosFile("/dev/zero"))).toEqual([
      expect.stringMatching(/scenarios file is not a regular file/),
    ]);
    expect(located(() => loadScenariosFile(tempDir())).join()).toMatch(/is a directory/);
  });

  it(`refuses a file larger than ${MAX_CONFIG_BYTES} bytes before reading it`, () => {
    const file = join(tempDir(), "big.json");
    writeFileSync(file, "");
    writeFileSync(file, Buffer.alloc(MAX_CONFIG_BYTES + 1, 32));
    expect(located(() => loadScenariosFile(file))).toEqual([
      expect.stringContaining(
        `is ${MAX_CONFIG_BYTES + 1} bytes, more than the limit of ${MAX_CONFIG_BYTES} (64 MiB)`,
      ),
    ]);
  });

  it("refuses a pipeline larger than 1 MiB before reading it", () => {
    const file = join(tempDir(), "big.yaml");
    writeFileSync(file, `version: 1\n${"#".repeat(MAX_PIPELINE_BYTES)}\n`);
    expect(located(() => loadPipeline(file))).toEqual([
      expect.stringMatching(/pipeline file is 1048588 bytes, more than the limit of 1048576 \(1 MiB\)/),
    ]);
  });

  it("lists at most 50 of 5,000 problems and counts the rest", () => {
    const text = `version: 1\n${Array.from({ length: 5_000 }, (_, i) => `k${i}: 1`).join("\n")}\n`;
    try {
      parsePipeline("p.yaml", text);
      expect.unreachable();
    } catch (error) {
      expect((error as ConfigError).diagnostics).toHaveLength(5_000);
      expect((error as ConfigError).diagnostics[4_999]!.location.line).toBe(5_001);
      expect((error as Error).message).toMatch(/\.\.\. and 4950 more problem/);
    }
  });
});

describe("time limits", () => {
  it("bounds timeout, step timeouts and kill_grace in the schema", () => {
    expect(scenarios(one(', "timeout": 2147483648'))[0]).toMatch(/\/scenarios\/0\/timeout must be <= 604800/);
    expect(scenarios(one(', "timeout": 1e21'))[0]).toMatch(/must be <= 604800/);
    expect(scenarios(one(', "timeout": 604800'))).toEqual([]);
    expect(pipeline("version: 1\ntest:\n  kill_grace: 1e9\n")[0]).toMatch(/kill_grace must be <= 3600/);
    expect(
      pipeline("version: 1\ntest:\n  before:\n    - name: s\n      run: [x]\n      timeout: 99999999\n")[0],
    ).toMatch(/before\/0\/timeout must be <= 604800/);
  });

  it("a timer of 2^31 ms or more fires when due, not at once", () => {
    vi.useFakeTimers();
    try {
      const fired: string[] = [];
      setLongTimeout(() => fired.push("2^31"), 2 ** 31);
      const huge = setLongTimeout(() => fired.push("1e24"), 1e24);
      setLongTimeout(() => fired.push("never"), Number.POSITIVE_INFINITY);
      setLongTimeout(() => fired.push("negative"), -5);
      vi.advanceTimersByTime(10);
      expect(fired).toEqual(["negative"]);
      vi.advanceTimersByTime(2 ** 31);
      expect(fired).toEqual(["negative", "2^31"]);
      huge.clear();
      vi.advanceTimersByTime(2 ** 33);
      expect(fired).toEqual(["negative", "2^31"]);
    } finally {
      vi.useRealTimers();
    }
  });
});

describe("messages that help", () => {
  it("gives every type mismatch a fix", () => {
    const problems = scenarios(one(', "retry_count": "x", "tags": "a", "timeout": true, "env": []'));
    expect(problems).toHaveLength(4);
    for (const p of problems) expect(p).toMatch(/expected \w+, found \w+ \| write an? \w+, e\.g\./);
  });

  it('refuses {"scenarios": []} as a configuration problem of its own, located', () => {
    expect(scenarios('{\n  "scenarios": []\n}')).toEqual([
      expect.stringMatching(/^2:3 \/scenarios the scenarios list is empty.*\| add a scenario/),
    ]);
  });

  it("refuses exit-code reasons that reuse Grove's own names", () => {
    expect(
      pipeline('version: 1\ntest:\n  exit_codes:\n    "3": { status: errored, reason: internal-error }\n'),
    ).toEqual([
      expect.stringMatching(
        /^4:\d+ \/test\/exit_codes\/3\/reason reason "internal-error" is one of Grove's own/,
      ),
    ]);
    expect(
      scenarios(one(', "run": ["x"], "exit_codes": {"2": {"status": "errored", "reason": "timeout"}}'))[0],
    ).toMatch(/\/scenarios\/0\/exit_codes\/2\/reason reason "timeout" is one of Grove's own/);
  });
});

describe("worktree rules checked when the pipeline loads", () => {
  it("refuses a branch template that renders an invalid name or the same branch for every worktree", () => {
    expect(pipeline('version: 1\nworktree:\n  branch: "feature/..{worktree}"\n')).toEqual([
      expect.stringMatching(
        /^3:3 \/worktree\/branch branch template "feature\/\.\.\{worktree\}" renders an invalid branch name .*contains "\.\."/,
      ),
    ]);
    expect(pipeline('version: 1\nworktree:\n  branch: "feature/test"\n')).toEqual([
      expect.stringMatching(
        /^3:3 \/worktree\/branch .*has no \{worktree\} .*every worktree would get the same branch/,
      ),
    ]);
    expect(pipeline('version: 1\nworktree:\n  branch: "x/{worktree_slug}"\n')).toEqual([]);
  });

  it("refuses disposable patterns that match everything, leave the worktree or reach .git", () => {
    const problems = pipeline(
      'version: 1\nworktree:\n  disposable: ["/", "*", "**", "../", ".git/", "sub/.git/hooks", "/../up/", "/.git/", "node_modules/", "build/"]\n',
    );
    expect(problems.map((p) => p.replace(/^\S+ (\S+) .*?" (.*?);.*$/, "$1 $2"))).toEqual([
      "/worktree/disposable/0 would match the whole worktree",
      "/worktree/disposable/1 would match the whole worktree",
      "/worktree/disposable/2 would match the whole worktree",
      "/worktree/disposable/3 climbs out of the worktree with ..",
      "/worktree/disposable/4 would match git's own files (.git)",
      "/worktree/disposable/5 would match git's own files (.git)",
      "/worktree/disposable/6 climbs out of the worktree with ..",
      "/worktree/disposable/7 would match git's own files (.git)",
    ]);
  });

  it("accepts a leading slash in a disposable pattern: it anchors at the worktree's top, as documented", () => {
    // docs/configuration.md and the schema give /build/ as the anchored form; disposableMatcher
    // matches it from the top. It is not an absolute path and must not be refused as one.
    expect(
      pipeline('version: 1\nworktree:\n  disposable: ["/build/", "/index.js", "//dist/", "web/dist/"]\n'),
    ).toEqual([]);
    expect(pipeline('version: 1\nworktree:\n  disposable: ["/"]\n')).toEqual([
      expect.stringMatching(
        /\/worktree\/disposable\/0 disposable pattern "\/" would match the whole worktree/,
      ),
    ]);
  });

  it("refuses a link path or key file outside the worktree", () => {
    const text =
      "version: 1\nworktree:\n  setup:\n    - name: deps\n      link: { path: ../outside/node_modules, key_files: [/etc/passwd] }\n";
    expect(pipeline(text)).toEqual([
      expect.stringMatching(
        /\/worktree\/setup\/0\/link\/path link path "\.\.\/outside\/node_modules" climbs out/,
      ),
      expect.stringMatching(
        /\/worktree\/setup\/0\/link\/key_files\/0 link path "\/etc\/passwd" is an absolute path/,
      ),
    ]);
  });
});
