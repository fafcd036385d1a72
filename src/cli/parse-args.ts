/**
 * A strict command-line parser: `--flag`, `--flag=value`, `--flag value`, `--no-flag` for negatable
 * booleans, repeatable options, and `--opt[=value]` for options whose value is optional. Unknown flags
 * are usage errors with a suggestion. Node's util.parseArgs lacks negation and optional values on 20.x.
 */
import { UsageError } from "../errors.js";
import { didYouMean } from "../util/did-you-mean.js";

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
  short?: Record<string, string | null>;
}

export type OptionSpecs = Record<string, OptionSpec>;
export type ParsedValue = boolean | string | number | string[] | number[];

export interface ParsedArgs {
  values: Record<string, ParsedValue | undefined>;
  positionals: string[];
}

export function parseArgs(argv: readonly string[], specs: OptionSpecs, command: string): ParsedArgs {
  const values: Record<string, ParsedValue | undefined> = {};
  const positionals: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === "--") {
      positionals.push(...argv.slice(i + 1));
      break;
    }
    if (!arg.startsWith("-") || arg === "-") {
      positionals.push(arg);
      continue;
    }
    if (!arg.startsWith("--")) {
      if (arg === "-h") {
        values.help = true;
        continue;
      }
      const short = expandShort(arg, argv[i + 1], specs);
      if (short) {
        i += short.consumed;
        const spec = specs[short.name]!;
        const value =
          spec.type === "integer" ? parseInteger(short.name, short.value, specs[short.name]!) : short.value;
        values[short.name] = spec.type === "boolean" ? true : value;
        continue;
      }
      throw new UsageError(
        `unknown option "${arg}" for "grove ${command}"; options are spelt with two dashes, e.g. --workers 4`,
      );
    }
    const eq = arg.indexOf("=");
    let name = eq === -1 ? arg.slice(2) : arg.slice(2, eq);
    let inline = eq === -1 ? undefined : arg.slice(eq + 1);
    let spec = specs[name];
    let negated = false;
    if (!spec && name.startsWith("no-") && specs[name.slice(3)]?.negatable) {
      name = name.slice(3);
      spec = specs[name];
      negated = true;
    }
    if (!spec) {
      const known = Object.keys(specs).flatMap((k) => (specs[k]!.negatable ? [k, `no-${k}`] : [k]));
      const hint = didYouMean(name, known).replace('"', '"--');
      throw new UsageError(
        `unknown option "--${name}" for "grove ${command}"${hint}; see grove ${command} --help`,
      );
    }
    if (spec.type === "boolean") {
      if (inline !== undefined) throw new UsageError(`option "--${name}" takes no value (got "${inline}")`);
      values[name] = !negated;
      continue;
    }
    if (negated) throw new UsageError(`option "--${name}" cannot be negated`);
    if (inline === undefined) {
      if (spec.implicitValue !== undefined) inline = spec.implicitValue;
      else {
        const next = argv[i + 1];
        if (next === undefined || (next.startsWith("--") && next.length > 2)) {
          throw new UsageError(`option "--${name}" needs a value: --${name} ${spec.valueName ?? "VALUE"}`);
        }
        inline = next;
        i++;
      }
    }
    const value = spec.type === "integer" ? parseInteger(name, inline, spec) : inline;
    if (spec.multiple)
      values[name] = [...((values[name] as (string | number)[] | undefined) ?? []), value] as ParsedValue;
    else values[name] = value;
  }
  return { values, positionals };
}

/** `-j4`, `-j 4`, `-x`: the option a short flag stands for, its value, and whether it took the next argument. */
function expandShort(
  arg: string,
  next: string | undefined,
  specs: OptionSpecs,
): { name: string; value: string; consumed: number } | undefined {
  const letter = arg[1];
  if (letter === undefined) return undefined;
  for (const [name, spec] of Object.entries(specs)) {
    if (!spec.short || !(letter in spec.short)) continue;
    const implied = spec.short[letter];
    const rest = arg.slice(2);
    if (implied !== null && implied !== undefined) {
      if (rest) throw new UsageError(`option "-${letter}" takes no value (got "${arg}")`);
      return { name, value: implied, consumed: 0 };
    }
    if (rest) return { name, value: rest.replace(/^=/, ""), consumed: 0 };
    if (next === undefined || next.startsWith("-"))
      throw new UsageError(`option "-${letter}" needs a value: -${letter} ${spec.valueName ?? "VALUE"}`);
    return { name, value: next, consumed: 1 };
  }
  return undefined;
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
