import { execFileSync } from "node:child_process";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { shellCommandLine, shellQuote } from "../../src/util/shell-quote.js";

/** The oracle: what a real bash makes of the line, each argument printed NUL-terminated. */
function bashArgv(line: string): string[] {
  const out = execFileSync("bash", ["-c", `printf '%s\\0' ${line}`], { encoding: "utf8" });
  return out.split("\0").slice(0, -1);
}

// Arguments of any code point but NUL (argv cannot hold one), biased to the characters that matter.
const arg = fc.oneof(
  fc.string({ unit: fc.constantFrom(..." '\"\\$`!*?[]{}~#;&|<>()\n\t\u001b\u007fa-=é".split("")) }),
  fc.string({ unit: "binary" }).map((s) => s.replaceAll("\u0000", "")),
);

describe("shellCommandLine", () => {
  it("is read back by bash as the same argv (random arguments, real bash)", () => {
    fc.assert(
      fc.property(fc.array(arg, { minLength: 1, maxLength: 4 }), (argv) => {
        expect(bashArgv(shellCommandLine(argv))).toEqual(argv);
      }),
      { numRuns: 150 },
    );
  });

  it("leaves plain arguments alone, quotes the rest, and never writes a control character raw", () => {
    expect(shellCommandLine(["node_modules/.bin/uvu", "-r", "esm", "test", "index"])).toBe(
      "node_modules/.bin/uvu -r esm test index",
    );
    expect(shellQuote("a b")).toBe("'a b'");
    expect(shellQuote("")).toBe("''");
    expect(shellQuote("it's")).toBe("'it'\\''s'");
    expect(shellQuote("\u001b[2Jx\n")).toBe("$'\\x1b[2Jx\\x0a'");
    fc.assert(
      fc.property(fc.array(arg), (argv) => {
        expect(shellCommandLine(argv)).not.toMatch(/[\u0000-\u001f\u007f]/);
      }),
    );
  });
});
