/**
 * JSON with `//` and `/* *\/` comments and trailing commas (scenarios.json), parsed into a
 * SourceDocument. Refuses nesting past MAX_NESTING_DEPTH before the parser recurses, reports duplicate
 * keys (JSON.parse would keep the last silently) and locates paths in time linear in the document.
 */
import { type ParseErrorCode, printParseErrorCode, visit } from "jsonc-parser";
import type { SourceLocation } from "../errors.js";
import { type PathSegment, toPointer } from "../util/json-pointer.js";
import { LineIndex } from "../util/line-column.js";
import { tooDeep } from "./document-checks.js";
import { MAX_NESTING_DEPTH } from "./input-limits.js";
import type { ParsedDocument } from "./source-document.js";

/** Parses JSONC; syntax errors, too-deep nesting and duplicate keys become located diagnostics. */
export function parseJsonDocument(file: string, source: string): ParsedDocument {
  // A byte-order mark is not JSON, but editors write one; it is not worth an error.
  const text = source.charCodeAt(0) === 0xfeff ? ` ${source.slice(1)}` : source;
  const lines = new LineIndex(text);
  const deepAt = firstTooDeepOffset(text);
  if (deepAt !== undefined) return { problems: [tooDeep(file, lines.at(deepAt))] };
  const built = buildValue(text);
  if (built.errorAt !== undefined)
    // One mistake makes the parser report several follow-on errors at one place: say the first.
    return {
      problems: [
        {
          location: { file, ...lines.at(built.errorAt.offset) },
          message: `invalid JSON: ${describeJsonError(printParseErrorCode(built.errorAt.code))}`,
          hint: "check for a missing comma, quote or bracket just before this point",
        },
      ],
    };
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

function describeJsonError(code: string): string {
  return code.replace(/([a-z])([A-Z])/g, "$1 $2").toLowerCase();
}

/**
 * Where the nesting of `[` and `{` first passes MAX_NESTING_DEPTH, skipping strings and comments; a
 * linear scan that runs before the (recursive) parser sees the text.
 */
export function firstTooDeepOffset(text: string): number | undefined {
  let depth = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x22 /* " */) {
      for (i++; i < text.length; i++) {
        const d = text.charCodeAt(i);
        if (d === 0x5c /* \ */) i++;
        else if (d === 0x22 || d === 0x0a) break;
      }
    } else if (c === 0x2f /* / */ && text.charCodeAt(i + 1) === 0x2f) {
      const end = text.indexOf("\n", i);
      i = end === -1 ? text.length : end;
    } else if (c === 0x2f && text.charCodeAt(i + 1) === 0x2a /* * */) {
      const end = text.indexOf("*/", i + 2);
      i = end === -1 ? text.length : end + 1;
    } else if (c === 0x5b /* [ */ || c === 0x7b /* { */) {
      if (++depth > MAX_NESTING_DEPTH) return i;
    } else if (c === 0x5d /* ] */ || c === 0x7d /* } */) {
      depth = Math.max(0, depth - 1);
    }
  }
  return undefined;
}
