/** Paths tests need: the repo root, the built CLI, the shared reference files. */

import { join } from "node:path";
import { fileURLToPath } from "node:url";

export const REPO_ROOT = fileURLToPath(new URL("../../", import.meta.url));
export const GROVE_BIN = join(REPO_ROOT, "dist/cli/bin.js");
export const REFERENCE_SCENARIOS = join(REPO_ROOT, "../shared/reference/original-scenarios.json");
export const FIXTURES = join(REPO_ROOT, "test/fixtures");
