import { existsSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { writeFileAtomic } from "../../../src/util/atomic-write.js";
import { BinaryHeap } from "../../../src/util/binary-heap.js";
import { closest, didYouMean, editDistance } from "../../../src/util/did-you-mean.js";
import { fromPointer, toPointer } from "../../../src/util/json-pointer.js";
import { LineIndex } from "../../../src/util/line-column.js";
import { tempDir } from "../../helpers/temp-dir.js";

describe("BinaryHeap", () => {
  it("pops in the comparator's order whatever the pushes and pops (oracle: a sorted array)", () => {
    fc.assert(
      fc.property(
        fc.array(fc.oneof(fc.integer({ min: -50, max: 50 }), fc.constant("pop" as const))),
        (ops) => {
          const heap = new BinaryHeap<number>((a, b) => a < b);
          const model: number[] = [];
          for (const op of ops) {
            if (op === "pop") {
              model.sort((a, b) => a - b);
              expect(heap.pop()).toBe(model.shift());
            } else {
              heap.push(op);
              model.push(op);
            }
            expect(heap.size).toBe(model.length);
            expect(heap.peek()).toBe(model.length ? Math.min(...model) : undefined);
          }
        },
      ),
    );
  });
});

describe("did you mean", () => {
  it("edit distance is Levenshtein's", () => {
    expect(editDistance("kitten", "sitting")).toBe(3);
    expect(editDistance("", "abc")).toBe(3);
    expect(editDistance("same", "same")).toBe(0);
    fc.assert(
      fc.property(fc.string({ maxLength: 8 }), fc.string({ maxLength: 8 }), (a, b) => {
        const d = editDistance(a, b);
        expect(d).toBe(editDistance(b, a));
        expect(d).toBeLessThanOrEqual(Math.max(a.length, b.length));
        expect(d).toBeGreaterThanOrEqual(Math.abs(a.length - b.length));
        expect(d === 0).toBe(a === b);
      }),
    );
  });

  it("suggests the closest name within reach, ignoring case, and nothing when all are far", () => {
    expect(closest("timout", ["timeout", "retries", "tags"])).toBe("timeout");
    expect(closest("TAGS", ["timeout", "tags"])).toBe("tags");
    expect(closest("zzzzzz", ["timeout", "tags"])).toBeUndefined();
    expect(didYouMean("dependancies", ["dependencies", "description"])).toBe(
      '; did you mean "dependencies"?',
    );
    expect(didYouMean("qqq", ["dependencies"])).toBe("");
  });
});

describe("JSON pointers", () => {
  it("escape ~ and / and round-trip any segments", () => {
    expect(toPointer(["scenarios", 3, "a/b~c"])).toBe("/scenarios/3/a~1b~0c");
    expect(fromPointer("")).toEqual([]);
    fc.assert(
      fc.property(fc.array(fc.string()), (segments) => {
        expect(fromPointer(toPointer(segments))).toEqual(segments);
      }),
    );
  });
});

describe("LineIndex", () => {
  it("gives the 1-based line and column of every offset (oracle: counting newlines before it)", () => {
    fc.assert(
      fc.property(
        fc.array(fc.constantFrom("a", "b", "\n")).map((c) => c.join("")),
        (text) => {
          const index = new LineIndex(text);
          for (let offset = 0; offset <= text.length; offset++) {
            const before = text.slice(0, offset);
            const line = before.split("\n").length;
            const column = offset - (before.lastIndexOf("\n") + 1) + 1;
            expect(index.at(offset)).toEqual({ line, column });
          }
        },
      ),
    );
  });
});

describe("writeFileAtomic", () => {
  it("creates missing directories, replaces the old content whole, leaves no temp file", () => {
    const dir = tempDir();
    const path = join(dir, "deep", "er", "report.json");
    writeFileAtomic(path, "first");
    writeFileAtomic(path, "second");
    expect(readFileSync(path, "utf8")).toBe("second");
    expect(readdirSync(join(dir, "deep", "er"))).toEqual(["report.json"]);
  });

  it("on failure keeps the old file and removes its temp file", () => {
    const dir = tempDir();
    const path = join(dir, "report.json");
    writeFileSync(path, "old");
    // A directory where the file should go: the rename fails.
    const blocked = join(dir, "blocked");
    writeFileAtomic(join(blocked, "x"), "made a dir");
    expect(() => writeFileAtomic(blocked, "new")).toThrow();
    expect(readFileSync(path, "utf8")).toBe("old");
    expect(readdirSync(dir).sort()).toEqual(["blocked", "report.json"]);
    expect(existsSync(join(blocked, "x"))).toBe(true);
  });
});
