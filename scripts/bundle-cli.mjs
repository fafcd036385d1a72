#!/usr/bin/env node
// Part of `npm run build`, after tsc: bundles the `grove` program (dist/cli/bin.js and everything it
// imports, node_modules included) into one CommonJS file, dist/cli/grove-bundle.cjs, which the bin
// (dist/cli/grove.js, src/cli/grove.ts) runs from a V8 code cache (src/cli/code-cache.ts; the cache is
// made by scripts/warm-code-cache.mjs, the next build step). A 1-scenario `grove run` loaded ~200 files
// through Node's module loader (73 of them yaml's): resolving, reading and compiling them one by one
// cost ~60 ms of its ~210 ms of CPU; compiling the bundle's code cost ~90 ms more, which the cache saves.
//
// One file, not chunks: V8 caches a script, and what is loaded lazily (a command, a reporter,
// isomorphic-git, the inspector's server) still runs only when first imported, as rolldown wraps each
// such module in an init function. The bundle is two levels under the package, as every module in dist/
// is, so the paths the modules compute from import.meta.url (schemas/, pipelines/, assets/,
// dist/config/schema-validators/, dist/steps/ for the spawn helpers) hold in the bundle too. What is
// required at run time with createRequire (picomatch, ajv's runtime, elkjs, the precompiled validators)
// stays a file of its own. dist/cli/bin.js itself stays runnable, unbundled, for debugging.
import { rmSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { build } from "rolldown";

const dist = fileURLToPath(new URL("../dist/", import.meta.url));
// The chunks of earlier builds, and a cache made for an earlier bundle.
rmSync(`${dist}bundle`, { recursive: true, force: true });
rmSync(`${dist}cli/grove-bundle.cjs.v8cache`, { force: true });
await build({
  input: { "grove-bundle": `${dist}cli/bin.js` },
  platform: "node",
  // jsonc-parser's `main` is a UMD build whose requires a bundler cannot follow; its `module` is ESM.
  resolve: { mainFields: ["module", "main"] },
  logLevel: "warn",
  output: { dir: `${dist}cli`, format: "cjs", entryFileNames: "[name].cjs", codeSplitting: false },
});
