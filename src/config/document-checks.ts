/** Checks shared by the JSON and YAML documents: the nesting limit's message and NUL characters. */
import type { Diagnostic } from "../errors.js";
import type { PathSegment } from "../util/json-pointer.js";
import { MAX_NESTING_DEPTH } from "./input-limits.js";
import type { SourceDocument } from "./source-document.js";

/** The diagnostic for a document nested deeper than MAX_NESTING_DEPTH, at the first too-deep place. */
export function tooDeep(file: string, at: { line: number; column: number }): Diagnostic {
  return {
    location: { file, ...at },
    message: `nested more than ${MAX_NESTING_DEPTH} levels deep here`,
    hint: `Grove's formats need at most 6 levels; a deeper document is refused (limit ${MAX_NESTING_DEPTH}): remove the extra brackets or indentation`,
  };
}

/**
 * Paths of every string (value or key) holding a NUL character: no argument, path or environment
 * variable can carry one, so it would only fail later, at run time. Iterative, linear in the value.
 */
function pathsWithNul(value: unknown): PathSegment[][] {
  const found: PathSegment[][] = [];
  const stack: { value: unknown; path: PathSegment[] }[] = [{ value, path: [] }];
  const seen = new Set<object>();
  while (stack.length > 0) {
    const { value: v, path } = stack.pop()!;
    if (typeof v === "string") {
      if (v.includes("\u0000")) found.push(path);
    } else if (v !== null && typeof v === "object" && !seen.has(v)) {
      seen.add(v);
      if (Array.isArray(v))
        v.forEach((item, i) => {
          stack.push({ value: item, path: [...path, i] });
        });
      else
        for (const [k, item] of Object.entries(v)) {
          if (k.includes("\u0000")) found.push([...path, k]);
          stack.push({ value: item, path: [...path, k] });
        }
    }
  }
  return found.reverse();
}

/** Diagnostics for pathsWithNul, located in `doc`. */
export function nulProblems(doc: SourceDocument, text: string): Diagnostic[] {
  // Walk the value only when the text could hold a NUL: raw, or escaped in JSON or YAML.
  if (!/\u0000|\\(?:0|x00|u0000|U00000000)/.test(text)) return [];
  return pathsWithNul(doc.value).map((path) => ({
    location: doc.locate(path),
    message:
      "contains a NUL character (\\u0000), which no command argument, path or environment variable can hold",
    hint: "remove the NUL character",
  }));
}
