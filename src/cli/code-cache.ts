/**
 * Runs the bundled CLI (one CommonJS file) from a V8 code cache: the bytecode of every function the
 * build's warm-up ran (scripts/warm-code-cache.mjs), so that a run does not parse and compile them
 * again. Node 20 has no compile cache of its own (module.enableCompileCache is Node 22), and V8 caches
 * only scripts, not ES modules: hence CommonJS. Measured (1-scenario `grove run`, 10 interleaved runs):
 * 0.40 s of CPU from the ES-module chunks, 0.31 s from the cache; a bare `node -e 0` takes 0.14 s.
 *
 * The cache file is the SHA-256 of the source it was made from, then V8's data. V8 checks its own
 * version, its flags and the source's length, not its content: a cache for other source of the same
 * length would run that source's bytecode, so the digest is compared first (~2 ms). A cache that does
 * not fit is not used, and the source is compiled as without one.
 */
import { createHash } from "node:crypto";
import { readFileSync, renameSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname } from "node:path";
import { fileURLToPath } from "node:url";
import vm from "node:vm";

const DIGEST_BYTES = 32;

/** The cache of a bundle: beside it, its name plus `.v8cache`. */
export const codeCachePath = (bundle: string) => `${bundle}.v8cache`;

export type CacheUse = "used" | "none" | "stale" | "rejected";

export interface RunBundleOptions {
  /** Write the cache when the process exits (the build's warm-up), with what this process compiled. */
  writeCache?: boolean;
  /** Told whether the cache was used ("stale": made for other source; "rejected": by V8). */
  onCacheUse?(use: CacheUse): void;
}

/** Runs a CommonJS file as Node would (its own `require`, `module`, `__filename`), from its code cache. */
export function runBundle(url: URL, options: RunBundleOptions = {}): void {
  const file = fileURLToPath(url);
  const source = readFileSync(file);
  const digest = createHash("sha256").update(source).digest();
  const cachePath = codeCachePath(file);
  let cached: Buffer | undefined;
  try {
    cached = readFileSync(cachePath);
  } catch {
    cached = undefined;
  }
  const fits =
    cached !== undefined && cached.length > DIGEST_BYTES && cached.subarray(0, DIGEST_BYTES).equals(digest);
  const script = new vm.Script(wrap(source.toString("utf8")), {
    filename: file,
    ...(fits ? { cachedData: cached!.subarray(DIGEST_BYTES) } : {}),
    importModuleDynamically: vm.constants.USE_MAIN_CONTEXT_DEFAULT_LOADER,
  });
  options.onCacheUse?.(
    cached === undefined ? "none" : !fits ? "stale" : script.cachedDataRejected ? "rejected" : "used",
  );
  if (options.writeCache)
    process.once("exit", () => {
      // Through a temp file: a reader never sees half a cache. A cache that cannot be written is no
      // reason to change how the command ends; the build's warm-up checks that it was written.
      const tmp = `${cachePath}.${process.pid}.tmp`;
      try {
        writeFileSync(tmp, Buffer.concat([digest, script.createCachedData()]));
        renameSync(tmp, cachePath);
      } catch (error) {
        process.stderr.write(`grove: the code cache was not written: ${String(error)}\n`);
      }
    });
  const module = { exports: {} };
  const run = script.runInThisContext() as (...args: unknown[]) => void;
  run.call(module.exports, module.exports, createRequire(file), module, file, dirname(file));
}

/**
 * Node's CommonJS wrapper, on one line with the source's first so that line numbers stay the file's. A
 * `#!` line (the bundle keeps bin.ts's) is a comment outside a function only: it becomes `//`.
 */
function wrap(source: string): string {
  const body = source.startsWith("#!") ? `//${source.slice(2)}` : source;
  return `(function (exports, require, module, __filename, __dirname) {${body}\n})`;
}
