import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { estimateMakespan } from "../../../src/plan/estimate-makespan.js";
import { type Plan, planScenarios } from "../../../src/plan/plan.js";
import { dagScenarios, scenario } from "../../helpers/scenario-factory.js";

const planOf = (...args: Parameters<typeof planScenarios>): Plan => {
  const r = planScenarios(...args);
  if (!r.ok) throw new Error("plan failed");
  return r.plan;
};

describe("estimateMakespan", () => {
  it("runs independent scenarios side by side, a chain one after another", () => {
    const four = planOf(["a", "b", "c", "d"].map((n) => scenario(n, [], { timeout: 10, worktree: n })));
    expect(estimateMakespan(four, 1)).toBe(40);
    expect(estimateMakespan(four, 2)).toBe(20);
    expect(estimateMakespan(four, 8)).toBe(10);
    const chain = planOf([scenario("a", [], { timeout: 5 }), scenario("b", ["a"], { timeout: 7 })]);
    expect(estimateMakespan(chain, 8)).toBe(12);
  });

  it("starts the critical path first: a 4-long chain and 4 singles on 2 workers take 40 s, not longer", () => {
    const chain = ["a", "b", "c", "d"].map((n, i) =>
      scenario(n, i === 0 ? [] : [["a", "b", "c", "d"][i - 1]!], { index: i, timeout: 10, worktree: n }),
    );
    const singles = ["e", "f", "g", "h"].map((n, i) =>
      scenario(n, [], { index: 4 + i, timeout: 10, worktree: n }),
    );
    // The chain last in the file, so only its priority puts it first.
    expect(estimateMakespan(planOf([...singles, ...chain]), 2)).toBe(40);
  });

  it("honours the per-worktree limit", () => {
    const sameTree = planOf(["a", "b", "c"].map((n) => scenario(n, [], { timeout: 10 })));
    expect(estimateMakespan(sameTree, 4, 1)).toBe(30);
    expect(estimateMakespan(sameTree, 4, 3)).toBe(10);
  });

  it("lies between max(critical path, work / workers) and the total work, and is the total on one worker", () => {
    fc.assert(
      fc.property(
        fc.array(fc.array(fc.nat(20), { maxLength: 3 }), { minLength: 1, maxLength: 25 }),
        fc.array(fc.integer({ min: 1, max: 50 }), { minLength: 25, maxLength: 25 }),
        fc.integer({ min: 1, max: 6 }),
        (edges, seconds, workers) => {
          const scenarios = dagScenarios(edges, 3).map((s, i) => ({ ...s, timeout: seconds[i]! }));
          const plan = planOf(scenarios);
          const total = seconds.slice(0, edges.length).reduce((a, b) => a + b, 0);
          const estimate = estimateMakespan(plan, workers);
          expect(estimate).toBeGreaterThanOrEqual(Math.max(plan.criticalPathSeconds, total / workers) - 1e-9);
          expect(estimate).toBeLessThanOrEqual(total);
          expect(estimateMakespan(plan, 1)).toBe(total);
        },
      ),
    );
  });
});
