import { defineConfig } from "vitest/config";

// The tests Stryker runs against each mutant: the unit and property tests of the mutated folders (no
// processes, no git), so a mutant costs seconds; a mutant in module-level code ("static") runs all of
// them, so tests of other folders stay out. Integration and e2e tests still guard the code in `npm test`.
export default defineConfig({
  test: {
    include: [
      "test/unit/machines/**/*.test.ts",
      "test/unit/scheduler/**/*.test.ts",
      "test/unit/plan/**/*.test.ts",
      "test/property/**/*.test.ts",
    ],
    // The config boundary fuzz drives the built CLI in child processes: it covers none of the mutated
    // code in this process and costs more than every other test together.
    exclude: ["test/property/config-boundary.property.test.ts"],
    testTimeout: 60_000,
    // A fifth of the property cases per mutant (see test/helpers/property-runs.ts).
    env: { GROVE_PROPERTY_SCALE: "0.2" },
    setupFiles: ["test/helpers/mutation-setup.ts"],
  },
});
