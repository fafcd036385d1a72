/**
 * The `grove` bin runs its bundle from a V8 code cache (src/cli/code-cache.ts): the cache the build
 * made is used, and a cache that does not fit its source is never run. Real Node processes: flags, exit
 * handlers and V8's cache checks are per process.
 */
import { execFileSync, spawnSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { describe, expect, it } from "vitest";
import { GROVE_BIN, REPO_ROOT } from "../helpers/paths.js";
import { tempDir } from "../helpers/temp-dir.js";

const CODE_CACHE = pathToFileURL(join(REPO_ROOT, "dist/cli/code-cache.js")).href;

/** Runs `file` through runBundle in a fresh Node; its stdout lines, the first of which says how the cache was used. */
function runThroughCache(file: string, writeCache = false): string[] {
  const program = `import { runBundle } from ${JSON.stringify(CODE_CACHE)};
runBundle(new URL(${JSON.stringify(pathToFileURL(file).href)}), {
  writeCache: ${writeCache},
  onCacheUse: (use) => console.log("cache " + use),
});`;
  const out = execFileSync(process.execPath, ["--input-type=module", "-e", program], { encoding: "utf8" });
  return out.trim().split("\n");
}

/** A CommonJS file that uses what Node gives a module: require, module.exports, __filename, __dirname. */
function bundleSaying(dir: string, word: string): string {
  const file = join(dir, "bundle.cjs");
  writeFileSync(
    file,
    [
      "#!/usr/bin/env node",
      'const { basename } = require("node:path");',
      `function say() { return ${JSON.stringify(word)}; }`,
      "module.exports.said = say();",
      'console.log(say(), basename(__filename), basename(__dirname) === basename(require("node:path").dirname(__filename)));',
      "",
    ].join("\n"),
  );
  return file;
}

describe("the code cache", () => {
  it("the built grove bin runs from the cache the build made", () => {
    const r = spawnSync(process.execPath, [GROVE_BIN, "--version"], {
      encoding: "utf8",
      env: { ...process.env, GROVE_DEBUG_CODE_CACHE: "1" },
    });
    expect(r.status).toBe(0);
    expect(r.stderr).toBe("grove: code cache used\n");
    expect(r.stdout).toMatch(/^\d+\.\d+\.\d+\n$/);
  });

  it("is written on request and used next time, the module running as under Node's own loader", () => {
    const file = bundleSaying(tempDir(), "first");
    expect(runThroughCache(file, true)).toEqual(["cache none", "first bundle.cjs true"]);
    expect(runThroughCache(file)).toEqual(["cache used", "first bundle.cjs true"]);
  });

  it("is not used for other source of the same length, which V8 alone would accept", () => {
    const file = bundleSaying(tempDir(), "first");
    runThroughCache(file, true);
    bundleSaying(join(file, ".."), "other");
    expect(runThroughCache(file)).toEqual(["cache stale", "other bundle.cjs true"]);
  });

  it("that V8 refuses (its data spoiled, the digest right) is compiled anew", () => {
    const file = bundleSaying(tempDir(), "first");
    runThroughCache(file, true);
    const cache = readFileSync(`${file}.v8cache`);
    cache.fill(0x5a, 32);
    writeFileSync(`${file}.v8cache`, cache);
    expect(runThroughCache(file)).toEqual(["cache rejected", "first bundle.cjs true"]);
  });

  it("keeps the file's line numbers in stack traces", () => {
    const file = join(tempDir(), "throws.cjs");
    writeFileSync(file, '#!/usr/bin/env node\n\nthrow new Error("from line 3");\n');
    const program = `import { runBundle } from ${JSON.stringify(CODE_CACHE)};
try { runBundle(new URL(${JSON.stringify(pathToFileURL(file).href)})); } catch (e) { console.log(e.stack.split("\\n")[1]); }`;
    const out = execFileSync(process.execPath, ["--input-type=module", "-e", program], { encoding: "utf8" });
    expect(out).toContain(`${file}:3:`);
  });
});
