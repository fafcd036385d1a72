import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { RUN_OPTIONS } from "../../../src/cli/commands/run-command.js";
import { parseArgs } from "../../../src/cli/parse-args.js";
import { selectNames } from "../../../src/cli/scenario-selection.js";
import { scenario } from "../../helpers/scenario-factory.js";
import { tempDir } from "../../helpers/temp-dir.js";

const all = ["parser_errors", "parser_ok", "lexer_basics", "cli_help"].map((n) => scenario(n));

describe("selecting scenarios by name", () => {
  it("takes exact names and globs, and nothing when no selector is given", () => {
    expect(selectNames(all, { patterns: [] })).toBeUndefined();
    expect(selectNames(all, { patterns: ["parser_*", "cli_help"] })?.sort()).toEqual([
      "cli_help",
      "parser_errors",
      "parser_ok",
    ]);
  });

  it("suggests the nearest name for a misspelt one", () => {
    expect(() => selectNames(all, { patterns: ["parsr_errors"] })).toThrow(/did you mean "parser_errors"/);
    expect(() => selectNames(all, { patterns: ["zz_*"] })).toThrow(/no scenario matches "zz_\*"/);
  });

  it("narrows with --grep and --last-failed", () => {
    expect(selectNames(all, { patterns: [], grep: "^parser" })?.sort()).toEqual([
      "parser_errors",
      "parser_ok",
    ]);
    expect(() => selectNames(all, { patterns: [], grep: "(" })).toThrow(/not a valid regular expression/);
    const report = join(tempDir(), "r.json");
    writeFileSync(
      report,
      JSON.stringify({
        scenarios: [
          { name: "parser_errors", status: "failed" },
          { name: "parser_ok", status: "passed" },
        ],
      }),
    );
    expect(selectNames(all, { patterns: ["parser_*"], lastFailedReport: report })).toEqual(["parser_errors"]);
    expect(() => selectNames(all, { patterns: [], lastFailedReport: join(tempDir(), "none.json") })).toThrow(
      /run once first/,
    );
  });
});

describe("short flags", () => {
  it("-j and -w set the workers, with the value attached or following", () => {
    expect(parseArgs(["-j", "3"], RUN_OPTIONS, "run").values.workers).toBe(3);
    expect(parseArgs(["-w8"], RUN_OPTIONS, "run").values.workers).toBe(8);
    expect(() => parseArgs(["-j"], RUN_OPTIONS, "run")).toThrow(/needs a value/);
    expect(() => parseArgs(["-q"], RUN_OPTIONS, "run")).toThrow(/unknown option "-q"/);
  });
});
