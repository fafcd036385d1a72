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
  description: string;
  valueName?: string;
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
    const value = spec.type === "integer" ? parseInteger(name, inline) : inline;
    if (spec.multiple)
      values[name] = [...((values[name] as (string | number)[] | undefined) ?? []), value] as ParsedValue;
    else values[name] = value;
  }
  return { values, positionals };
}

function parseInteger(name: string, text: string): number {
  if (!/^-?\d+$/.test(text)) throw new UsageError(`option "--${name}" expects a whole number, got "${text}"`);
  return Number(text);
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
    return [flag, s.description + (s.multiple ? " (repeatable)" : "")] as const;
  });
  const width = Math.max(...rows.map(([f]) => f.length)) + 2;
  return rows.map(([f, d]) => `  ${f.padEnd(width)}${d}`).join("\n");
}
