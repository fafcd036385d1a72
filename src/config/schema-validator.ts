/**
 * Validates documents against the JSON Schemas in `schemas/` (the single source of truth for formats)
 * and turns ajv's errors into diagnostics a person can act on: where, what was expected, how to fix.
 */
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import type { ErrorObject, ValidateFunction } from "ajv/dist/2020.js";
import type { Diagnostic } from "../errors.js";
import { didYouMean } from "../util/did-you-mean.js";
import { fromPointer } from "../util/json-pointer.js";
import { AJV_OPTIONS, type SchemaName } from "./schema-options.js";
import type { SourceDocument } from "./source-document.js";

export type { SchemaName } from "./schema-options.js";

const require = createRequire(import.meta.url);

/** Where the schema files live: `<package>/schemas`, two levels above both `src/config` and `dist/config`. */
const SCHEMA_DIR = new URL("../../schemas/", import.meta.url);

const compiled = new Map<SchemaName, ValidateFunction>();

/**
 * The build's precompiled validator of this schema (scripts/compile-schemas.mjs) when present next to
 * this module, one file per schema so that a run loads only the two it uses (`../config/`: the bundled
 * bin runs this from dist/bundle/); from src/ (tests) there are none and ajv compiles the schema here.
 */
function precompiled(name: SchemaName): ValidateFunction | undefined {
  try {
    return (require(`../config/schema-validators/${name}.cjs`) as Record<SchemaName, ValidateFunction>)[name];
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "MODULE_NOT_FOUND") return undefined;
    throw error;
  }
}

export function compileSchema(name: SchemaName): ValidateFunction {
  const Ajv = (require("ajv/dist/2020.js") as typeof import("ajv/dist/2020.js")).default;
  const ajv = new Ajv({ ...AJV_OPTIONS });
  ajv.addKeyword({ keyword: "tsType" });
  return ajv.compile(JSON.parse(readFileSync(new URL(`${name}.schema.json`, SCHEMA_DIR), "utf8")));
}

export function schemaValidator(name: SchemaName): ValidateFunction {
  let validate = compiled.get(name);
  if (!validate) {
    validate = precompiled(name) ?? compileSchema(name);
    compiled.set(name, validate);
  }
  return validate;
}

/** Validates `doc.value`; returns no diagnostics when it conforms. */
export function validateDocument(name: SchemaName, doc: SourceDocument): Diagnostic[] {
  const validate = schemaValidator(name);
  if (validate(doc.value)) return [];
  return describeErrors(validate.errors ?? []).map(({ path, message, hint }) => ({
    location: doc.locate(path),
    message,
    ...(hint ? { hint } : {}),
  }));
}

interface Described {
  path: (string | number)[];
  message: string;
  hint?: string;
}

function toSegments(instancePath: string): (string | number)[] {
  return fromPointer(instancePath).map((s) => (/^\d+$/.test(s) ? Number(s) : s));
}

/** Collapses ajv's raw errors: one message per problem, branch noise of `oneOf` folded into one line. */
function describeErrors(errors: readonly ErrorObject[]): Described[] {
  const oneOfs = errors.filter((e) => e.keyword === "oneOf");
  const underOneOf = (e: ErrorObject) =>
    e.keyword !== "oneOf" &&
    e.keyword !== "additionalProperties" &&
    oneOfs.some(
      (o) =>
        e.schemaPath.startsWith(o.schemaPath.replace(/\/oneOf$/, "/oneOf/")) &&
        e.instancePath.startsWith(o.instancePath),
    );
  const out: Described[] = [];
  const seen = new Set<string>();
  for (const e of errors) {
    // A propertyNames failure comes with the inner keyword's error too; the outer one says it all.
    if (underOneOf(e) || e.schemaPath.includes("/propertyNames/")) continue;
    const d = describe(e);
    const key = `${d.path.join("/")}\u0000${d.message}`;
    if (!seen.has(key)) {
      seen.add(key);
      out.push(d);
    }
  }
  return out;
}

const EXAMPLES: Record<string, string> = {
  string: '"text"',
  number: "60",
  integer: "3",
  boolean: "true",
  array: '["a", "b"]',
  object: '{"key": "value"}',
  null: "null",
};

/** A fix for errors whose message alone does not say one, from the keyword and the schema's description. */
function fallbackHint(e: ErrorObject): string {
  const params = e.params as Record<string, unknown>;
  const description = (e.parentSchema as { description?: string } | undefined)?.description;
  const about = description ? ` (${description.replace(/\.$/, "")})` : "";
  switch (e.keyword) {
    case "type": {
      const types = String(params.type).split(",");
      return `write ${types.map((t) => `a${/^[aeiou]/.test(t) ? "n" : ""} ${t}, e.g. ${EXAMPLES[t] ?? t}`).join("; or ")}${about}`;
    }
    case "required":
      return `add "${String(params.missingProperty)}" here`;
    case "maximum":
    case "minimum":
    case "exclusiveMaximum":
    case "exclusiveMinimum":
      return `use a value ${String(params.comparison)} ${String(params.limit)}${about}`;
    case "enum":
    case "const":
      return `use one of the values listed${about}`;
    case "minLength":
      return `write a non-empty value${about}`;
    case "maxLength":
      return `shorten it to ${String(params.limit)} characters at most${about}`;
    case "minItems":
      return `give at least ${String(params.limit)} item(s)${about}`;
    case "uniqueItems":
      return "remove the repeated item";
    case "oneOf":
      return description ?? "keep exactly one of the forms shown";
    default:
      return description ?? "see the schema in schemas/ for what this place accepts";
  }
}

function describe(e: ErrorObject): Described {
  const described = describeKeyword(e);
  return described.hint ? described : { ...described, hint: fallbackHint(e) };
}

function describeKeyword(e: ErrorObject): Described {
  const path = toSegments(e.instancePath);
  const params = e.params as Record<string, unknown>;
  switch (e.keyword) {
    case "additionalProperties": {
      const key = String(params.additionalProperty);
      const known = Object.keys((e.parentSchema as { properties?: object } | undefined)?.properties ?? {});
      return {
        path: [...path, key],
        message: `unknown key "${key}"${didYouMean(key, known)}`,
        hint: `allowed keys here: ${known.join(", ")}`,
      };
    }
    case "required":
      return { path, message: `missing required key "${String(params.missingProperty)}"` };
    case "type":
      return { path, message: `expected ${String(params.type)}, found ${kindOf(e.data)}` };
    case "enum":
      return {
        path,
        message: `expected one of ${(params.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(", ")}, found ${JSON.stringify(e.data)}`,
      };
    case "const":
      return {
        path,
        message: `expected ${JSON.stringify(params.allowedValue)}, found ${JSON.stringify(e.data)}`,
      };
    case "pattern": {
      const description = (e.parentSchema as { description?: string } | undefined)?.description;
      return {
        path,
        message: `${JSON.stringify(e.data)} is not allowed here (must match ${String(params.pattern)})`,
        ...(description ? { hint: description } : {}),
      };
    }
    case "oneOf":
      return { path, message: oneOfMessage(e) };
    case "uniqueItems":
      return {
        path,
        message: `items ${String(params.j)} and ${String(params.i)} are the same; list each value once`,
      };
    case "propertyNames": {
      const description = (e.schema as { description?: string } | undefined)?.description;
      return {
        path: [...path, String(params.propertyName)],
        message: `key ${JSON.stringify(params.propertyName)} is not allowed here`,
        ...(description ? { hint: description } : {}),
      };
    }
    default:
      return {
        path,
        message: `${e.message ?? "is invalid"}${e.keyword === "minLength" ? " (must not be empty)" : ""}`,
      };
  }
}

function oneOfMessage(e: ErrorObject): string {
  const branches = (e.schema as { required?: string[]; enum?: unknown[] }[]) ?? [];
  const requiredKeys = branches.flatMap((b) => b.required ?? []);
  if (requiredKeys.length === branches.length && requiredKeys.length > 0) {
    const present = requiredKeys.filter(
      (k) => e.data && typeof e.data === "object" && k in (e.data as object),
    );
    return present.length > 1
      ? `has ${present.join(" and ")}; give exactly one of ${requiredKeys.join(", ")}`
      : `needs exactly one of ${requiredKeys.join(", ")}`;
  }
  return `${JSON.stringify(e.data)} is not one of the allowed forms: ${branches
    .map((b) =>
      b.enum
        ? b.enum.map((v) => JSON.stringify(v)).join(" | ")
        : "an object with the keys shown in the schema",
    )
    .join(", or ")}`;
}

function kindOf(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "array";
  // JSON's 1e400 and YAML's .inf parse to Infinity, YAML's .nan to NaN: numbers to JavaScript, not to
  // the schema, so "expected number, found number" would contradict itself.
  if (typeof value === "number" && Number.isNaN(value)) return "NaN (not a number)";
  if (typeof value === "number" && !Number.isFinite(value))
    return `${value > 0 ? "" : "-"}Infinity (a number too large to represent)`;
  return typeof value;
}
