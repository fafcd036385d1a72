/**
 * `JSON.stringify(value, null, 2)`, as a sequence of pieces instead of one string. The outer levels
 * (the report's object and its `scenarios` list) are walked here and each item below them is
 * stringified on its own, so a report of 100,000 scenarios (over 100 MB of text) is never one string,
 * and never one buffer, on the heap. Concatenated, the pieces are exactly what JSON.stringify writes.
 */

/** How deep the walk goes before items are stringified whole (0: the value itself). */
const WALK_DEPTH = 2;

const omitted = (v: unknown) => v === undefined || typeof v === "function" || typeof v === "symbol";

/** The pieces of `JSON.stringify(value, null, 2)`; `value` must be JSON-serialisable (no cycles). */
export function* jsonChunks(value: unknown, indent = "", depth = 0): Generator<string> {
  const whole = () => {
    const text = JSON.stringify(value, null, 2);
    return indent === "" ? text : text.replaceAll("\n", `\n${indent}`);
  };
  if (
    depth >= WALK_DEPTH ||
    value === null ||
    typeof value !== "object" ||
    typeof (value as { toJSON?: unknown }).toJSON === "function"
  ) {
    yield whole();
    return;
  }
  const inner = `${indent}  `;
  if (Array.isArray(value)) {
    if (value.length === 0) {
      yield "[]";
      return;
    }
    yield "[";
    for (let i = 0; i < value.length; i++) {
      yield `${i > 0 ? "," : ""}\n${inner}`;
      const item = value[i];
      if (omitted(item)) yield "null";
      else yield* jsonChunks(item, inner, depth + 1);
    }
    yield `\n${indent}]`;
    return;
  }
  const entries = Object.entries(value).filter(([, v]) => !omitted(v));
  if (entries.length === 0) {
    yield "{}";
    return;
  }
  yield "{";
  for (let i = 0; i < entries.length; i++) {
    const [key, item] = entries[i]!;
    yield `${i > 0 ? "," : ""}\n${inner}${JSON.stringify(key)}: `;
    yield* jsonChunks(item, inner, depth + 1);
  }
  yield `\n${indent}}`;
}
