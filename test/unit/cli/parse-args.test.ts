import { describe, expect, expectTypeOf, it } from "vitest";
import { RUN_OPTIONS } from "../../../src/cli/commands/run-command.js";
import { type OptionSpecs, parseArgs } from "../../../src/cli/parse-args.js";

const specs = {
  parallel: { type: "boolean", negatable: true, description: "" },
  workers: { type: "integer", short: { j: null, w: null }, description: "" },
  "max-failures": { type: "integer", short: { x: "1" }, description: "" },
  "filter-tag": { type: "string", multiple: true, description: "" },
  inspect: { type: "integer", implicitValue: "0", description: "" },
  "no-wait": { type: "boolean", description: "" },
  json: { type: "boolean", description: "" },
  help: { type: "boolean", description: "" },
} satisfies OptionSpecs;

const parse = (...argv: string[]) => parseArgs(argv, specs, "run");

describe("parseArgs", () => {
  it("reads the original's flags, including --no-parallel", () => {
    const { values } = parse("--no-parallel", "--workers", "3", "--filter-tag=a", "--filter-tag", "b");
    expect(values).toEqual({ parallel: false, workers: 3, "filter-tag": ["a", "b"] });
  });

  it("types each value by its spec", () => {
    const { values } = parseArgs([], RUN_OPTIONS, "run");
    expectTypeOf(values.workers).toEqualTypeOf<number | undefined>();
    expectTypeOf(values.parallel).toEqualTypeOf<boolean | undefined>();
    expectTypeOf(values["filter-tag"]).toEqualTypeOf<string[] | undefined>();
    expectTypeOf(values.inspect).toEqualTypeOf<number | undefined>();
    expectTypeOf(values.report).toEqualTypeOf<string | undefined>();
    expect(values).toEqual({});
  });

  it("supports an optional value, never taking the next argument as it", () => {
    expect(parse("--inspect").values.inspect).toBe(0);
    expect(parse("--inspect=8123").values.inspect).toBe(8123);
    expect(parse("--inspect", "8123")).toEqual({ values: { inspect: 0 }, positionals: ["8123"] });
    expect(parse("--", "--inspect")).toEqual({ values: {}, positionals: ["--inspect"] });
    expect(parse("--filter-tag", "--", "--inspect").values).toEqual({ "filter-tag": ["--"], inspect: 0 });
  });

  it("reads short letters: a value after or attached, an implied value, -h", () => {
    expect(parse("-j4").values.workers).toBe(4);
    expect(parse("-j=4").values.workers).toBe(4);
    expect(parse("-w", "2").values.workers).toBe(2);
    expect(parse("-x").values["max-failures"]).toBe(1);
    expect(parse("-h").values.help).toBe(true);
    expect(() => parse("-x5")).toThrow(/option "-x" takes no value \(got "-x5"\)/);
    expect(() => parse("-xj4")).toThrow(/option "-x" takes no value \(got "-xj4"\)/);
    expect(() => parse("-j")).toThrow(/option "-j" needs a value: -j VALUE/);
    expect(() => parse("-j", "-x")).toThrow(/option "-j" needs a value/);
    expect(() => parse("-q")).toThrow(
      /unknown option "-q" for "grove run"; options are spelt with two dashes/,
    );
  });

  it("an option named no-x is itself, not x negated; only negatable booleans take --no-", () => {
    expect(parse("--no-wait").values).toEqual({ "no-wait": true });
    expect(() => parse("--no-json")).toThrow(/unknown option "--no-json" for "grove run"/);
    expect(() => parse("--no-workers")).toThrow(/unknown option "--no-workers"/);
    expect(() => parse("--no-parallel=1")).toThrow(/option "--parallel" takes no value \(got "1"\)/);
  });

  it("explains unknown flags and bad values", () => {
    expect(() => parse("--wrokers", "2")).toThrow(
      /unknown option "--wrokers" for "grove run"; did you mean "--workers"\?; see grove run --help/,
    );
    expect(() => parse("--no-paralel")).toThrow(/did you mean "--no-parallel"\?/);
    expect(() => parse("--workers", "many")).toThrow(/expects a whole number, got "many"/);
    expect(() => parse("--workers", "1e23")).toThrow(/expects a whole number/);
    expect(() => parse("--workers")).toThrow(/option "--workers" needs a value: --workers VALUE/);
    expect(() => parse("--workers", "--json")).toThrow(/needs a value/);
    expect(() => parse("--parallel=yes")).toThrow(/takes no value/);
  });

  it("keeps positionals, a lone dash and everything after --", () => {
    expect(parse("a", "-", "--json", "--", "--workers", "b")).toEqual({
      values: { json: true },
      positionals: ["a", "-", "--workers", "b"],
    });
  });
});
