import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { parseJsonDocument } from "../../../src/config/json-document.js";
import { countKeys, parsePlainJson, scanJson } from "../../../src/config/json-scan.js";

describe("the plain-JSON fast path", () => {
  it("builds the same value as the JSONC parser, for any JSON value and indentation", () => {
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 6 }), fc.constantFrom(undefined, 1, 2, "\t"), (value, indent) => {
        const text = JSON.stringify(value, null, indent);
        const fast = parseJsonDocument("f.json", text);
        // A comment forces the JSONC parser (the slow path) over the same value.
        const slow = parseJsonDocument("f.json", `// c\n${text}`);
        expect(fast.problems).toEqual([]);
        expect(slow.problems).toEqual([]);
        expect(fast.doc!.value).toEqual(JSON.parse(text));
        expect(fast.doc!.value).toEqual(slow.doc!.value);
      }),
    );
  });

  it("counts every key the text writes, so a duplicate anywhere leaves the fast path", () => {
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 6 }), (value) => {
        const text = JSON.stringify(value);
        expect(scanJson(text).keys).toBe(countKeys(JSON.parse(text)));
      }),
    );
    const dup = '{"a": {"b": 1, "c": 2, "b": 3}}';
    expect(parsePlainJson(dup, scanJson(dup))).toBeUndefined();
    expect(parseJsonDocument("f.json", dup).problems[0]!.message).toBe(
      'duplicate key "b"; it is also at line 1:8',
    );
  });

  it("takes keys and colons inside strings as text, not as keys", () => {
    const text = '{"a:": "\\"b\\": 1", "c" : [":", "d"]}';
    expect(scanJson(text)).toEqual({ comments: false, keys: 2 });
    expect(parsePlainJson(text, scanJson(text))).toEqual({ value: JSON.parse(text) });
  });

  it("leaves comments, trailing commas and broken JSON to the JSONC parser", () => {
    for (const text of ['{"a": 1 /* c */}', '{"a": [1, 2,],}', '{"a": 1', ""])
      expect(parsePlainJson(text, scanJson(text))).toBeUndefined();
    expect(parseJsonDocument("f.json", '{"a": [1, 2,],}').doc!.value).toEqual({ a: [1, 2] });
  });

  it("locates a path in a document parsed natively at its key (the offsets are built when asked)", () => {
    const doc = parseJsonDocument(
      "f.json",
      '{\n  "scenarios": [\n    {"name": "a"},\n    {"name": 5}\n  ]\n}',
    ).doc!;
    expect(doc.locate(["scenarios", 1, "name"])).toEqual({
      file: "f.json",
      line: 4,
      column: 6,
      path: "/scenarios/1/name",
    });
  });

  it("keeps __proto__ an own key on the fast path too", () => {
    const value = parseJsonDocument("f.json", '{"__proto__": {"x": 1}}').doc!.value as object;
    expect(Object.getPrototypeOf(value)).toBe(Object.prototype);
    expect(Object.keys(value)).toEqual(["__proto__"]);
  });
});
