import { describe, expect, it } from "vitest";
import { actualCriticalPath } from "../../../src/reporters/actual-critical-path.js";
import type { ReportScenario } from "../../../src/reporters/build-report.js";

/** A scenario that ran from second `start` to second `end` of the run. */
const ran = (name: string, start: number | null, end: number | null) =>
  ({
    name,
    started_at: start === null ? null : new Date(Date.UTC(2026, 0, 1, 0, 0, start)).toISOString(),
    ended_at: end === null ? null : new Date(Date.UTC(2026, 0, 1, 0, 0, end)).toISOString(),
  }) as ReportScenario;

describe("the critical path a run actually took", () => {
  it("walks back from the last to finish through the dependency each one waited for", () => {
    // Planned, b (long) looked critical; in this run c took longer, so the path is a -> c -> d.
    const scenarios = [ran("a", 0, 2), ran("b", 2, 5), ran("c", 2, 9), ran("d", 9, 10), ran("e", 0, 1)];
    const deps = new Map([
      ["b", ["a"]],
      ["c", ["a"]],
      ["d", ["b", "c"]],
    ]);
    expect(actualCriticalPath(scenarios, deps)).toEqual({ names: ["a", "c", "d"], seconds: 10 });
  });

  it("stops at a scenario whose dependencies did not run or ended after it started", () => {
    const scenarios = [ran("a", 0, 4), ran("b", 3, 6), ran("skipped", null, null)];
    const deps = new Map([["b", ["a", "skipped"]]]);
    expect(actualCriticalPath(scenarios, deps)).toEqual({ names: ["b"], seconds: 3 });
  });

  it("is undefined when nothing ran", () => {
    expect(actualCriticalPath([ran("a", null, null)], new Map())).toBeUndefined();
  });
});
