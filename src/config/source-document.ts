/**
 * A parsed JSON(C) or YAML document that can say where a JSON path is in its text.
 * Loaders use it to turn schema errors into `file:line:column (at /path)` diagnostics.
 */
import {
  findNodeAtLocation,
  type Node as JsonNode,
  type ParseError,
  parseTree,
  printParseErrorCode,
} from "jsonc-parser";
import { isMap, isPair, isScalar, isSeq, LineCounter, parseDocument } from "yaml";
import type { Diagnostic, SourceLocation } from "../errors.js";
import { type PathSegment, toPointer } from "../util/json-pointer.js";
import { LineIndex } from "../util/line-column.js";

/** The value of a document plus a way to locate any path inside it. */
export interface SourceDocument {
  file: string;
  value: unknown;
  /** Location of the deepest existing node on `path` (the key, for a missing property). */
  locate(path: readonly PathSegment[]): SourceLocation;
}

/** Parses JSON with `//` and `/* *\/` comments and trailing commas; syntax errors become diagnostics. */
export function parseJsonDocument(
  file: string,
  text: string,
): { doc?: SourceDocument; problems: Diagnostic[] } {
  const errors: ParseError[] = [];
  const root = parseTree(text, errors, { allowTrailingComma: true, disallowComments: false });
  const lines = new LineIndex(text);
  const problems = errors.map((e) => ({
    location: { file, ...lines.at(e.offset) },
    message: `invalid JSON: ${describeJsonError(printParseErrorCode(e.error))}`,
    hint: "check for a missing comma, quote or bracket just before this point",
  }));
  if (problems.length > 0 || root === undefined) {
    if (problems.length === 0)
      problems.push({
        location: { file, line: 1, column: 1 },
        message: "the file is empty",
        hint: 'write {"scenarios": []}',
      });
    return { problems };
  }
  const value = jsonNodeValue(root);
  const locate = (path: readonly PathSegment[]): SourceLocation => {
    for (let n = path.length; n >= 0; n--) {
      const node = findNodeAtLocation(root, path.slice(0, n) as (string | number)[]);
      if (node) {
        const at = node.parent?.type === "property" && n > 0 ? node.parent.offset : node.offset;
        return { file, ...lines.at(at), path: toPointer(path) };
      }
    }
    return { file, path: toPointer(path) };
  };
  return { doc: { file, value, locate }, problems: [] };
}

function describeJsonError(code: string): string {
  return code.replace(/([a-z])([A-Z])/g, "$1 $2").toLowerCase();
}

/** Builds the value without jsonc-parser's getNodeValue so duplicate keys can be seen by rules later. */
function jsonNodeValue(node: JsonNode): unknown {
  switch (node.type) {
    case "object": {
      const out: Record<string, unknown> = {};
      for (const prop of node.children ?? []) {
        const [key, val] = prop.children ?? [];
        if (key && val) out[key.value as string] = jsonNodeValue(val);
      }
      return out;
    }
    case "array":
      return (node.children ?? []).map(jsonNodeValue);
    default:
      return node.value;
  }
}

/**
 * Caps alias expansion: a legitimate pipeline may reuse `*defaults` hundreds of times, while an alias
 * bomb expands exponentially and is refused. Never -1 (no limit).
 */
export const YAML_MAX_ALIAS_COUNT = 1000;

/** Parses YAML strictly: unknown tags, duplicate keys and warnings are errors, not silently accepted. */
export function parseYamlDocument(
  file: string,
  text: string,
): { doc?: SourceDocument; problems: Diagnostic[] } {
  const lineCounter = new LineCounter();
  const document = parseDocument(text, { lineCounter, uniqueKeys: true, prettyErrors: false, strict: true });
  const toDiag = (e: { message: string; pos: [number, number] }, kind: string): Diagnostic => {
    const pos = lineCounter.linePos(e.pos[0]);
    return {
      location: { file, line: pos.line, column: pos.col },
      message: `${kind}: ${e.message.split("\n")[0]}`,
      hint: e.message.includes("tag")
        ? "Grove pipelines use plain YAML: remove the custom tag (e.g. !!js/function)"
        : "fix the YAML syntax at this point",
    };
  };
  const problems = [
    ...document.errors.map((e) => toDiag(e, "invalid YAML")),
    ...document.warnings.map((e) => toDiag(e, "YAML warning treated as an error")),
  ];
  if (problems.length > 0) return { problems };
  let value: unknown;
  try {
    value = document.toJS({ maxAliasCount: YAML_MAX_ALIAS_COUNT });
  } catch (error) {
    return {
      problems: [
        {
          location: { file },
          message: `YAML aliases expand too much: ${(error as Error).message}`,
          hint: `a document may expand aliases at most ${YAML_MAX_ALIAS_COUNT} times; write the repeated part out or reuse it less`,
        },
      ],
    };
  }
  const locate = (path: readonly PathSegment[]): SourceLocation => {
    let node: unknown = document.contents;
    let offset = (document.contents as { range?: [number] } | null)?.range?.[0] ?? 0;
    for (const seg of path) {
      if (isMap(node)) {
        const pair = node.items.find(
          (p) => isPair(p) && isScalar(p.key) && String(p.key.value) === String(seg),
        );
        if (!pair) break;
        offset = (pair.key as { range?: [number] }).range?.[0] ?? offset;
        node = pair.value;
      } else if (isSeq(node) && typeof seg === "number" && node.items[seg] !== undefined) {
        node = node.items[seg];
        offset = (node as { range?: [number] }).range?.[0] ?? offset;
      } else break;
    }
    const pos = lineCounter.linePos(offset);
    return { file, line: pos.line, column: pos.col, path: toPointer(path) };
  };
  return { doc: { file, value, locate }, problems: [] };
}
