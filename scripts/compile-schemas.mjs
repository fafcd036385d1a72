#!/usr/bin/env node
// Part of `npm run build`: compiles each JSON Schema in schemas/ into its own CommonJS module of
// validation code (ajv's standalone code), dist/config/schema-validators/<name>.cjs. Loading ajv and
// compiling the schemas at start-up took ~100 ms of every `grove` command; one file for all three
// (260 KB, the report's validator 168 KB of it) took ~45 ms of CPU to load where a run needs only the
// scenarios' and the pipeline's (93 KB). Same options as the runtime fallback in
// src/config/schema-validator.ts, which test/unit/config/schema-precompiled.test.ts holds equal.
import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";

const require = createRequire(import.meta.url);
const { AJV_OPTIONS, SCHEMA_NAMES } = await import("../dist/config/schema-options.js");
const Ajv = require("ajv/dist/2020.js").default;
const standaloneCode = require("ajv/dist/standalone/index.js").default;

const outDir = new URL("../dist/config/schema-validators/", import.meta.url);
rmSync(new URL("../dist/config/schema-validators.cjs", import.meta.url), { force: true });
mkdirSync(outDir, { recursive: true });
for (const name of SCHEMA_NAMES) {
  const ajv = new Ajv({ ...AJV_OPTIONS, code: { source: true } });
  ajv.addKeyword({ keyword: "tsType" });
  ajv.addSchema(
    JSON.parse(readFileSync(new URL(`../schemas/${name}.schema.json`, import.meta.url), "utf8")),
    name,
  );
  writeFileSync(new URL(`${name}.cjs`, outDir), standaloneCode(ajv, { [name]: name }));
}
