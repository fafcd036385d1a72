import { createRequire } from "node:module";
import { join } from "node:path";
import type { ValidateFunction } from "ajv/dist/2020.js";
import { describe, expect, it } from "vitest";
import { SCHEMA_NAMES } from "../../../src/config/schema-options.js";
import { compileSchema } from "../../../src/config/schema-validator.js";
import { REPO_ROOT } from "../../helpers/paths.js";

// `npm test` builds first; the built CLI validates with these precompiled functions (a file each).
const precompiled = Object.fromEntries(
  SCHEMA_NAMES.map((name) => [
    name,
    (
      createRequire(import.meta.url)(join(REPO_ROOT, `dist/config/schema-validators/${name}.cjs`)) as Record<
        string,
        ValidateFunction
      >
    )[name],
  ]),
) as Record<string, ValidateFunction>;

const documents: Record<(typeof SCHEMA_NAMES)[number], unknown[]> = {
  scenarios: [
    {
      scenarios: [
        {
          name: "a",
          description: "d",
          worktree: "w",
          test_file: "t.py",
          dependencies: [],
          timeout: 30,
          tags: [],
        },
      ],
    },
    {
      scenarios: [{ name: "", worktree: "-x", timeout: "30", tags: "x", dependencies: ["a", "a"], extra: 1 }],
    },
    { scenario: [] },
    [],
  ],
  pipeline: [
    { version: 1, test: { run: ["pytest", "{test_file}"] } },
    {
      version: 2,
      test: { run: "pytest", retry_on: ["nope"] },
      worktree: { setup: [{ name: "s", run: ["a"], shell: "b" }] },
    },
    { version: 1, tset: {} },
  ],
  report: [{ summary: {} }, { summary: { total: "1" }, scenarios: [{}] }],
};

describe("precompiled schema validators", () => {
  for (const name of SCHEMA_NAMES) {
    it(`${name}: the build's validator gives ajv's verdict and errors`, () => {
      const runtime = compileSchema(name);
      for (const doc of documents[name]) {
        const valid = runtime(doc);
        expect(precompiled[name]!(doc)).toBe(valid);
        expect(precompiled[name]!.errors ?? null).toEqual(runtime.errors ?? null);
      }
      // The corpus exercises both verdicts.
      expect(documents[name].some((d) => !runtime(d))).toBe(true);
    });
  }
});
