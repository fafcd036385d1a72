/**
 * The command line, read by Node's `util.parseArgs` (tokens, `--flag=value`, `--flag value`, short
 * groups, `--`, and `--no-flag` through `allowNegative`) and checked here against Grove's option specs:
 * integers and their bounds, which booleans may be negated, short letters that stand for a long option
 * or imply its value (`-j 4`, `-x`), and errors that name the flag and suggest the nearest one. The
 * values come back typed by the specs (`--workers` a number, `--filter-tag` a string[]).
 * util.parseArgs has no optional values: an option with an implicitValue (`--inspect[=PORT]`) is a
 * boolean to it, so it never takes the next argument, and non-strict parsing keeps the `=PORT` given.
 */
import { parseArgs as nodeParseArgs, type ParseArgsConfig } from "node:util";
import { UsageError } from "../errors.js";
import { didYouMean } from "../util/did-you-mean.js";

/** One option: its type, how it may be spelt, and its line in --help. */
export interface OptionSpec {
  type: "boolean" | "string" | "integer";
  multiple?: boolean;
  /** `--no-<name>` sets false. */
  negatable?: boolean;
  /** For string/integer options: the value used when the flag is given without `=value`. */
  implicitValue?: string;
  /** For integer options: the smallest and largest value accepted (both inclusive). */
  min?: number;
  max?: number;
  description: string;
  valueName?: string;
  /** Single-letter spellings: letter -> the value it implies, or null when a value follows (`-j 4`, `-j4`). */
  short?: Readonly<Record<string, string | null>>;
}

/** A command's options by long name. Declare them `satisfies OptionSpecs` so the values stay typed. */
export type OptionSpecs = Readonly<Record<string, OptionSpec>>;

/** The value one option parses to. */
export type OptionValue<S extends OptionSpec> = S extends { type: "boolean" }
  ? boolean
  : S extends { type: "integer" }
    ? S extends { multiple: true }
      ? number[]
      : number
    : S extends { multiple: true }
      ? string[]
      : string;

/** Any option's value (what a spec not known at compile time gives). */
export type ParsedValue = boolean | string | number | string[] | number[];

/** The parsed values of a set of specs: each option absent, or of its spec's type. */
export type OptionValues<T extends OptionSpecs> = string extends keyof T
  ? { [name: string]: ParsedValue | undefined }
  : { -readonly [K in keyof T]?: OptionValue<T[K]> };

/** What parseArgs returns: typed values and the positional arguments (those after `--` included). */
export interface ParsedArgs<T extends OptionSpecs> {
  values: OptionValues<T>;
  positionals: string[];
}

/** Parses `argv` for `grove <command>`; every problem is a UsageError (exit 2) naming the flag. */
export function parseArgs<const T extends OptionSpecs>(
  argv: readonly string[],
  specs: T,
  command: string,
): ParsedArgs<T> {
  const shortOf = shortLetters(specs);
  const { tokens, positionals } = nodeParseArgs({
    args: [...argv],
    options: nodeOptions(specs, shortOf),
    strict: false,
    allowPositionals: true,
    allowNegative: true,
    tokens: true,
  });
  const values: Record<string, boolean | string | number | (string | number)[]> = {};
  const set = (name: string, spec: OptionSpec, value: boolean | string) => {
    const parsed =
      spec.type === "integer" && typeof value === "string" ? parseInteger(name, value, spec) : value;
    const earlier = values[name];
    if (!spec.multiple || typeof parsed === "boolean") values[name] = parsed;
    else values[name] = Array.isArray(earlier) ? [...earlier, parsed] : [parsed];
  };
  for (const token of tokens) {
    if (token.kind !== "option") continue;
    const arg = argv[token.index] ?? token.rawName;
    if (!token.rawName.startsWith("--")) {
      // A short letter (node splits groups: `-xj4` is -x then -j with "4").
      const letter = token.rawName.slice(1);
      if (letter === "h") {
        values.help = true;
        continue;
      }
      const long = shortOf.get(letter);
      if (!long)
        throw new UsageError(
          `unknown option "${arg}" for "grove ${command}"; options are spelt with two dashes, e.g. --workers 4`,
        );
      const spec = specs[long]!;
      const implied = spec.short![letter];
      if (implied !== null && implied !== undefined) {
        // `-x5`, `-xj4` and `-x=5` are one argument that is more than the letter.
        if (arg !== `-${letter}`) throw new UsageError(`option "-${letter}" takes no value (got "${arg}")`);
        set(long, spec, implied);
        continue;
      }
      if (token.value === undefined || (!token.inlineValue && token.value.startsWith("-")))
        throw new UsageError(`option "-${letter}" needs a value: -${letter} ${spec.valueName ?? "VALUE"}`);
      set(long, spec, token.inlineValue ? token.value.replace(/^=/, "") : token.value);
      continue;
    }
    // Long: the name as typed decides (a spec named "no-wait" is that option, not "wait" negated).
    const typed = token.rawName.slice(2);
    let name = typed;
    let negated = false;
    if (!specs[name] && name.startsWith("no-") && specs[name.slice(3)]?.negatable) {
      name = name.slice(3);
      negated = true;
    }
    const spec = specs[name];
    if (!spec) {
      const known = Object.keys(specs).flatMap((n) => (specs[n]!.negatable ? [n, `no-${n}`] : [n]));
      const hint = didYouMean(typed, known).replace('"', '"--');
      throw new UsageError(
        `unknown option "--${typed}" for "grove ${command}"${hint}; see grove ${command} --help`,
      );
    }
    if (spec.type === "boolean") {
      if (token.value !== undefined)
        throw new UsageError(`option "--${name}" takes no value (got "${token.value}")`);
      set(name, spec, !negated);
      continue;
    }
    if (spec.implicitValue !== undefined && token.value === undefined) {
      set(name, spec, spec.implicitValue);
      continue;
    }
    if (
      token.value === undefined ||
      (!token.inlineValue && token.value.startsWith("--") && token.value.length > 2)
    )
      throw new UsageError(`option "--${name}" needs a value: --${name} ${spec.valueName ?? "VALUE"}`);
    set(name, spec, token.value);
  }
  // The one place the specs' types meet the values: each was set above from its own spec.
  return { values: values as OptionValues<T>, positionals };
}

/** Short letter -> the long option it spells. */
function shortLetters(specs: OptionSpecs): Map<string, string> {
  const letters = new Map<string, string>();
  for (const [name, spec] of Object.entries(specs))
    for (const letter of Object.keys(spec.short ?? {})) letters.set(letter, name);
  return letters;
}

/**
 * What util.parseArgs is told: each long option as a string or boolean, and each short letter as an
 * option of its own (util.parseArgs allows one letter per option and no implied values). A letter that
 * implies a value, and an option whose value is optional, are booleans there: neither takes the next
 * argument.
 */
function nodeOptions(
  specs: OptionSpecs,
  shortOf: Map<string, string>,
): NonNullable<ParseArgsConfig["options"]> {
  const options: NonNullable<ParseArgsConfig["options"]> = {};
  for (const [name, spec] of Object.entries(specs))
    options[name] = {
      type: spec.type === "boolean" || spec.implicitValue !== undefined ? "boolean" : "string",
      multiple: spec.multiple === true,
    };
  for (const [letter, long] of shortOf) {
    const takesValue = specs[long]!.short![letter] === null;
    options[`short:${letter}`] = { type: takesValue ? "string" : "boolean", short: letter };
  }
  options["short:h"] ??= { type: "boolean", short: "h" };
  return options;
}

/** A whole number within the option's bounds (and always a safe integer: 1e23 is no worker count). */
function parseInteger(name: string, text: string, spec: OptionSpec): number {
  const range =
    spec.min !== undefined && spec.max !== undefined
      ? ` from ${spec.min} to ${spec.max}`
      : spec.min !== undefined
        ? ` of at least ${spec.min}`
        : "";
  if (!/^-?\d+$/.test(text))
    throw new UsageError(`option "--${name}" expects a whole number${range}, got "${text}"`);
  const value = Number(text);
  const min = spec.min ?? Number.MIN_SAFE_INTEGER;
  const max = spec.max ?? Number.MAX_SAFE_INTEGER;
  if (!Number.isSafeInteger(value) || value < min || value > max)
    throw new UsageError(
      `option "--${name}" expects a whole number${range || ` from ${min} to ${max}`}, got "${text}"`,
    );
  return value;
}

/** Help text lines for a set of options, aligned. */
export function formatOptions(specs: OptionSpecs): string {
  const rows = Object.entries(specs).map(([name, s]) => {
    const flag =
      s.type === "boolean"
        ? `--${s.negatable ? `[no-]` : ""}${name}`
        : s.implicitValue !== undefined
          ? `--${name}[=${s.valueName ?? "VALUE"}]`
          : `--${name} ${s.valueName ?? "VALUE"}`;
    const shorts = Object.keys(s.short ?? {}).map((l) => `-${l}`);
    return [
      shorts.length ? `${shorts.join(", ")}, ${flag}` : flag,
      s.description + (s.multiple ? " (repeatable)" : ""),
    ] as const;
  });
  const width = Math.max(...rows.map(([f]) => f.length)) + 2;
  return rows.map(([f, d]) => `  ${f.padEnd(width)}${d}`).join("\n");
}
