/** Paths tests need: the repo root, the built CLI, the fixtures (all inside the checkout). */

import { join } from "node:path";
import { fileURLToPath } from "node:url";

export const REPO_ROOT = fileURLToPath(new URL("../../", import.meta.url));
export const GROVE_BIN = join(REPO_ROOT, "dist/cli/grove.js");
export const FIXTURES = join(REPO_ROOT, "test/fixtures");
/** A copy of the original tool's scenarios.json, kept in the repository so a fresh clone can run the tests. */
export const REFERENCE_SCENARIOS = join(FIXTURES, "original-scenarios.json");
