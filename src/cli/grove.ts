#!/usr/bin/env node
/**
 * The `grove` executable: the bundled CLI (bin.ts and everything it loads, dist/cli/grove-bundle.cjs,
 * made by scripts/bundle-cli.mjs) run from its code cache (code-cache.ts). V8 is tuned first, as the
 * cache was made under the same flags. GROVE_DEBUG_CODE_CACHE=1 says on stderr whether the cache was
 * used; GROVE_WRITE_CODE_CACHE=1 (the build's warm-up) writes it as the process exits.
 */
import { runBundle } from "./code-cache.js";
import { tuneV8 } from "./tune-v8.js";

tuneV8();
runBundle(new URL("./grove-bundle.cjs", import.meta.url), {
  writeCache: process.env.GROVE_WRITE_CODE_CACHE === "1",
  ...(process.env.GROVE_DEBUG_CODE_CACHE === "1"
    ? { onCacheUse: (use) => process.stderr.write(`grove: code cache ${use}\n`) }
    : {}),
});
