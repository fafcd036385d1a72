import { describe, expect, it } from "vitest";
import { type OptionSpecs, parseArgs } from "../../../src/cli/parse-args.js";

const specs: OptionSpecs = {
  parallel: { type: "boolean", negatable: true, description: "" },
  workers: { type: "integer", description: "" },
  "filter-tag": { type: "string", multiple: true, description: "" },
  inspect: { type: "integer", implicitValue: "0", description: "" },
};

describe("parseArgs", () => {
  it("reads the original's flags, including --no-parallel", () => {
    const { values } = parseArgs(
      ["--no-parallel", "--workers", "3", "--filter-tag=a", "--filter-tag", "b"],
      specs,
      "run",
    );
    expect(values).toEqual({ parallel: false, workers: 3, "filter-tag": ["a", "b"] });
  });

  it("supports an optional value", () => {
    expect(parseArgs(["--inspect"], specs, "run").values.inspect).toBe(0);
    expect(parseArgs(["--inspect=8123"], specs, "run").values.inspect).toBe(8123);
  });

  it("explains unknown flags and bad values", () => {
    expect(() => parseArgs(["--wrokers", "2"], specs, "run")).toThrow(
      /unknown option "--wrokers" for "grove run"; did you mean "--workers"\?/,
    );
    expect(() => parseArgs(["--workers", "many"], specs, "run")).toThrow(
      /expects a whole number, got "many"/,
    );
    expect(() => parseArgs(["--workers"], specs, "run")).toThrow(/needs a value/);
    expect(() => parseArgs(["--parallel=yes"], specs, "run")).toThrow(/takes no value/);
  });
});
