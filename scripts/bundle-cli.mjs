#!/usr/bin/env node
// Part of `npm run build`, after tsc: bundles the `grove` executable (dist/cli/bin.js and everything it
// imports, node_modules included) into dist/cli/grove.js, the package's bin, with each lazily loaded
// part (a command, a reporter, isomorphic-git, the inspector's server) a chunk of its own in
// dist/bundle/. A 1-scenario `grove run` loaded ~200 files through Node's module loader (73 of them
// yaml's): resolving, reading and compiling them one by one cost ~60 ms of its ~210 ms of CPU.
//
// Both output folders are two levels under the package, as every module in dist/ is, so the paths the
// modules compute from import.meta.url (schemas/, pipelines/, assets/, dist/config/schema-validators/,
// dist/steps/ for the spawn helpers) hold in the bundle too. What is required at run time with
// createRequire (picomatch, ajv's runtime, elkjs, the precompiled validators) stays a file of its own.
// dist/cli/bin.js itself stays runnable, unbundled, for debugging.
import { rmSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { build } from "rolldown";

const dist = fileURLToPath(new URL("../dist/", import.meta.url));
rmSync(`${dist}bundle`, { recursive: true, force: true });
await build({
  input: { grove: `${dist}cli/bin.js` },
  platform: "node",
  // jsonc-parser's `main` is a UMD build whose requires a bundler cannot follow; its `module` is ESM.
  resolve: { mainFields: ["module", "main"] },
  logLevel: "warn",
  output: {
    dir: dist,
    format: "esm",
    entryFileNames: "cli/[name].js",
    chunkFileNames: "bundle/[name]-[hash].js",
  },
});
