/**
 * JSON with `//` and `/* *\/` comments and trailing commas (scenarios.json), parsed into a
 * SourceDocument. Refuses nesting past MAX_NESTING_DEPTH before the parser recurses, reports duplicate
 * keys (JSON.parse would keep the last silently) and locates paths in time linear in the document.
 * Plain JSON without duplicate keys (json-scan.ts tells) is parsed natively, and the offsets that
 * locate paths are built only when something asks for a location.
 */
import { type ParseErrorCode, printParseErrorCode, visit } from "jsonc-parser";
import type { SourceLocation } from "../errors.js";
import { type PathSegment, toPointer } from "../util/json-pointer.js";
import { LineIndex } from "../util/line-column.js";
import { tooDeep } from "./document-checks.js";
import { parsePlainJson, scanJson } from "./json-scan.js";
import type { ParsedDocument } from "./source-document.js";

/** Parses JSONC; syntax errors, too-deep nesting and duplicate keys become located diagnostics. */
export function parseJsonDocument(file: string, source: string): ParsedDocument {
  // A byte-order mark is not JSON, but editors write one; it is not worth an error.
  const text = source.charCodeAt(0) === 0xfeff ? ` ${source.slice(1)}` : source;
  const scan = scanJson(text);
  if (scan.tooDeepAt !== undefined)
    return { problems: [tooDeep(file, new LineIndex(text).at(scan.tooDeepAt))] };
  const plain = parsePlainJson(text, scan);
  if (plain) return { doc: { file, value: plain.value, locate: lazyLocator(file, text) }, problems: [] };
  const lines = new LineIndex(text);
  const built = buildValue(text);
  if (built.errorAt !== undefined)
    // One mistake makes the parser report several follow-on errors at one place: say the first.
    return { problems: [syntaxProblem(file, lines, built.errorAt)] };
  if (!built.hasValue)
    return {
      problems: [
        {
          location: { file, line: 1, column: 1 },
          message: "the file is empty",
          hint: 'write {"scenarios": [...]}',
        },
      ],
    };
  if (built.duplicates.length > 0)
    return {
      problems: built.duplicates.map(({ name, offset, firstOffset }) => {
        const first = lines.at(firstOffset);
        return {
          location: { file, ...lines.at(offset) },
          message: `duplicate key ${JSON.stringify(name)}; it is also at line ${first.line}:${first.column}`,
          hint: "keep one of them: a JSON reader would silently use the last one",
        };
      }),
    };
  return { doc: { file, value: built.value, locate: locator(file, built, lines) }, problems: [] };
}

interface Built {
  value: unknown;
  hasValue: boolean;
  errorAt?: { code: ParseErrorCode; offset: number };
  duplicates: { name: string; offset: number; firstOffset: number }[];
  /** Where each object's keys and each array's items start, for locating paths without a syntax tree. */
  offsets: WeakMap<object, Map<string, number> | number[]>;
  rootOffset: number;
}

/**
 * The value, built in one streaming pass (a syntax tree of a 10 MB file costs seconds of garbage
 * collection), with each repeated key reported against the first. `__proto__` is an ordinary key here,
 * never the object's prototype.
 */
function buildValue(text: string): Built {
  const out: Built = {
    value: undefined,
    hasValue: false,
    duplicates: [],
    offsets: new WeakMap(),
    rootOffset: 0,
  };
  type Frame = {
    container: Record<string, unknown> | unknown[];
    keys?: Map<string, number>;
    items?: number[];
    key?: string;
  };
  const stack: Frame[] = [];
  const add = (v: unknown, offset: number) => {
    const top = stack[stack.length - 1];
    if (!top) {
      out.value = v;
      out.hasValue = true;
      out.rootOffset = offset;
    } else if (Array.isArray(top.container)) {
      top.container.push(v);
      top.items!.push(offset);
    } else if (top.key === "__proto__")
      Object.defineProperty(top.container, top.key, {
        value: v,
        enumerable: true,
        writable: true,
        configurable: true,
      });
    else top.container[top.key!] = v;
  };
  visit(
    text,
    {
      onObjectBegin: (offset) => {
        const container: Record<string, unknown> = {};
        add(container, offset);
        const keys = new Map<string, number>();
        out.offsets.set(container, keys);
        stack.push({ container, keys });
      },
      onObjectProperty: (name, offset) => {
        const top = stack[stack.length - 1]!;
        const firstOffset = top.keys!.get(name);
        if (firstOffset !== undefined) out.duplicates.push({ name, offset, firstOffset });
        else top.keys!.set(name, offset);
        top.key = name;
      },
      onObjectEnd: () => void stack.pop(),
      onArrayBegin: (offset) => {
        const container: unknown[] = [];
        add(container, offset);
        const items: number[] = [];
        out.offsets.set(container, items);
        stack.push({ container, items });
      },
      onArrayEnd: () => void stack.pop(),
      onLiteralValue: (v, offset) => add(v, offset),
      onError: (code, offset) => {
        out.errorAt ??= { code, offset };
      },
    },
    { allowTrailingComma: true, disallowComments: false },
  );
  return out;
}

/** Locates a path by walking the value with the offsets recorded while building it. */
function locator(file: string, built: Built, lines: LineIndex) {
  return (path: readonly PathSegment[]): SourceLocation => {
    let offset = built.rootOffset;
    let node: unknown = built.value;
    for (const seg of path) {
      if (node === null || typeof node !== "object") break;
      const at = built.offsets.get(node);
      const next = Array.isArray(at) ? (typeof seg === "number" ? at[seg] : undefined) : at?.get(String(seg));
      if (next === undefined) break;
      offset = next;
      node = (node as Record<string, unknown>)[seg];
    }
    return { file, ...lines.at(offset), path: toPointer(path) };
  };
}

/** A locator that parses `text` again, with offsets, the first time it is asked (only for a diagnostic). */
function lazyLocator(file: string, text: string) {
  let locate: ((path: readonly PathSegment[]) => SourceLocation) | undefined;
  return (path: readonly PathSegment[]): SourceLocation => {
    locate ??= locator(file, buildValue(text), new LineIndex(text));
    return locate(path);
  };
}

/**
 * A syntax error, located, with a fix that fits it. Text after the document's end ("end of file
 * expected") is not a missing comma: the top-level value closed before it (a bracket too many, or a
 * second document appended).
 */
function syntaxProblem(file: string, lines: LineIndex, error: { code: ParseErrorCode; offset: number }) {
  const code = printParseErrorCode(error.code);
  const location = { file, ...lines.at(error.offset) };
  if (code === "EndOfFileExpected")
    return {
      location,
      message:
        "invalid JSON: text after the end of the document (its top-level {...} closed before this point)",
      hint: 'the file holds one {"scenarios": [...]}: delete what follows it, or, if it belongs inside, remove the "}" or "]" that closes the document too early',
    };
  return {
    location,
    message: `invalid JSON: ${describeJsonError(code)}`,
    hint: "check for a missing comma, quote or bracket just before this point",
  };
}

function describeJsonError(code: string): string {
  return code.replace(/([a-z])([A-Z])/g, "$1 $2").toLowerCase();
}
