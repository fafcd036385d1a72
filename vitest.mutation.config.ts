import { defineConfig } from "vitest/config";

// The tests Stryker runs against each mutant: unit and property only (no processes, no git), so a
// mutant costs seconds. Integration and e2e tests still guard the same code in `npm test`.
export default defineConfig({
  test: {
    include: ["test/unit/**/*.test.ts", "test/property/**/*.test.ts"],
    testTimeout: 60_000,
    // A fifth of the property cases per mutant (see test/helpers/property-runs.ts).
    env: { GROVE_PROPERTY_SCALE: "0.2" },
  },
});
