#!/usr/bin/env node
// Part of `npm run build`: compiles the JSON Schemas in schemas/ into one CommonJS module of validation
// functions (ajv's standalone code), dist/config/schema-validators.cjs. Loading it takes ~10 ms; loading
// ajv and compiling the schemas at start-up took ~100 ms of every `grove` command. Same options as the
// runtime fallback in src/config/schema-validator.ts, which test/unit/config/schema-precompiled.test.ts
// holds equal.
import { readFileSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";

const require = createRequire(import.meta.url);
const { AJV_OPTIONS, SCHEMA_NAMES } = await import("../dist/config/schema-options.js");
const Ajv = require("ajv/dist/2020.js").default;
const standaloneCode = require("ajv/dist/standalone/index.js").default;

const ajv = new Ajv({ ...AJV_OPTIONS, code: { source: true } });
ajv.addKeyword({ keyword: "tsType" });
for (const name of SCHEMA_NAMES)
  ajv.addSchema(
    JSON.parse(readFileSync(new URL(`../schemas/${name}.schema.json`, import.meta.url), "utf8")),
    name,
  );
const code = standaloneCode(ajv, Object.fromEntries(SCHEMA_NAMES.map((n) => [n, n])));
writeFileSync(new URL("../dist/config/schema-validators.cjs", import.meta.url), code);
