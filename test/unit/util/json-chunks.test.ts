import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { writePiecesAtomic } from "../../../src/util/atomic-write.js";
import { jsonChunks } from "../../../src/util/json-chunks.js";

/** Values as reports hold them: JSON plus the undefined fields JSON.stringify leaves out. */
const reportLike = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: "small" },
    fc.jsonValue({ maxDepth: 1 }),
    fc.constant(undefined),
    fc.array(tie("value"), { maxLength: 5 }),
    fc.dictionary(fc.string({ maxLength: 4 }), tie("value"), { maxKeys: 5 }),
  ),
}));

describe("jsonChunks", () => {
  it("joins to exactly what JSON.stringify(value, null, 2) writes", () => {
    fc.assert(
      fc.property(reportLike.value, (value) => {
        // A report is an object at the top (JSON.stringify of a bare undefined is no text at all).
        for (const top of [{ value }, [value, 1]])
          expect([...jsonChunks(top)].join("")).toBe(JSON.stringify(top, null, 2));
      }),
      { numRuns: 500 },
    );
  });

  it("stringifies each scenario of a report on its own, never the whole list", () => {
    const report = {
      summary: { total: 2 },
      scenarios: [
        { name: "a", attempts: [{ at: new Date(0) }], note: undefined },
        { name: "b\nc", attempts: [] },
      ],
      empty: {},
    };
    const pieces = [...jsonChunks(report)];
    expect(pieces.join("")).toBe(JSON.stringify(report, null, 2));
    expect(Math.max(...pieces.map((p) => p.length))).toBeLessThan(
      JSON.stringify(report.scenarios, null, 2).length,
    );
  });

  it("is written whole through a temp file", () => {
    const dir = mkdtempSync(join(tmpdir(), "grove-chunks-"));
    try {
      const big = {
        scenarios: Array.from({ length: 5000 }, (_, i) => ({ name: `s${i}`, tail: "x".repeat(100) })),
      };
      writePiecesAtomic(join(dir, "r.json"), jsonChunks(big));
      expect(readFileSync(join(dir, "r.json"), "utf8")).toBe(JSON.stringify(big, null, 2));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
