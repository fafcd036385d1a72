/**
 * Grove's version, from its package.json, found by the package's own name: the same from src/, dist/
 * and the bundled bin (dist/cli/grove.js, scripts/bundle-cli.mjs), which sit at different depths.
 */
import { createRequire } from "node:module";

export const GROVE_VERSION: string = (
  createRequire(import.meta.url)("grove-runner/package.json") as { version: string }
).version;
