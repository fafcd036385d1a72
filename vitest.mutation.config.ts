import { resolve } from "node:path";
import { defineConfig } from "vitest/config";

// The tests Stryker runs against each mutant: the unit and property tests of the mutated folders (no
// processes, no git), so a mutant costs seconds; a mutant in module-level code ("static") runs all of
// them, so tests of other folders stay out. Integration and e2e tests still guard the code in `npm test`.
// MUTATION_PART=keep (the code that decides whether a worktree must be kept, stryker.config.mjs) has
// no unit tests worth the name: its tests are the in-process integration tests on real repositories
// (the e2e matrix drives the built CLI, which Stryker's sandbox does not build).
const keep = process.env.MUTATION_PART === "keep";
export default defineConfig({
  test: {
    include: keep
      ? [
          "test/integration/keep-or-remove.test.ts",
          "test/integration/keep-or-remove-edges.test.ts",
          "test/integration/cleanup-options.test.ts",
          "test/integration/worktrees.test.ts",
          "test/integration/worktree-lock.test.ts",
          "test/integration/symlink-cycle.test.ts",
          "test/integration/coordinator-api.test.ts",
        ]
      : [
          "test/unit/machines/**/*.test.ts",
          "test/unit/scheduler/**/*.test.ts",
          "test/unit/plan/**/*.test.ts",
          "test/property/**/*.test.ts",
        ],
    // The config boundary fuzz drives the built CLI in child processes: it covers none of the mutated
    // code in this process and costs more than every other test together.
    exclude: ["test/property/config-boundary.property.test.ts"],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // A fifth of the property cases per mutant (see test/helpers/property-runs.ts).
    env: {
      GROVE_PROPERTY_SCALE: "0.2",
      // The keep-or-remove matrix is built once per test process and copied for each mutant, in the
      // sandbox Stryker removes afterwards (test/integration/keep-or-remove.test.ts).
      ...(keep ? { GROVE_KEEP_MATRIX_CACHE: resolve(".stryker-keep-matrix") } : {}),
    },
    setupFiles: ["test/helpers/mutation-setup.ts"],
  },
});
