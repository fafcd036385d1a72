import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { FINAL_STATUSES } from "../../src/events.js";
import { type FakeOutcome, type FakeRunInput, fakeRun } from "../helpers/fake-run.js";

const outcome = fc.constantFrom<FakeOutcome>("pass", "pass", "pass", "fail", "crash", "hang", "flaky");

const runInput = fc.integer({ min: 1, max: 14 }).chain((n) =>
  fc.record<FakeRunInput>({
    deps: fc
      .array(fc.uniqueArray(fc.nat({ max: n - 1 }), { maxLength: 3 }), { minLength: n, maxLength: n })
      .map((d) => d.map((ds, i) => ds.filter((x) => x < i))),
    outcomes: fc.array(outcome, { minLength: n, maxLength: n }),
    retries: fc.array(fc.nat({ max: 2 }), { minLength: n, maxLength: n }),
    workers: fc.integer({ min: 1, max: 5 }),
    worktrees: fc.integer({ min: 1, max: 4 }),
    maxPerWorktree: fc.integer({ min: 1, max: 3 }),
    interruptAfter: fc.option(fc.integer({ min: 1, max: n }), { nil: undefined }),
    before: fc.constantFrom([], ["prepare"]),
    after: fc.constantFrom([], ["collect"], ["collect", "teardown"]),
    failingBefore: fc.boolean(),
  }),
);

describe("run and scenario machines (random DAGs x outcomes x workers x interrupts)", () => {
  it("keep every invariant", async () => {
    await fc.assert(
      fc.asyncProperty(runInput, async (input) => {
        const obs = await fakeRun(input); // the run always terminates
        const byName = new Map(obs.results.map((r) => [r.name, r]));
        const n = input.deps.length;

        // Every scenario ends in exactly one final state, reported once.
        expect(obs.results).toHaveLength(n);
        for (const r of obs.results) {
          expect(FINAL_STATUSES).toContain(r.status);
          expect(obs.finishedCalls.get(r.name)).toBe(1);
        }
        // Reported statuses only move forward, and end with the final one, reported once.
        const stage = ["pending", "waiting", "queued", "running"];
        for (const r of obs.results) {
          const log = obs.statusLog.get(r.name) ?? [];
          expect(log.at(-1)).toBe(r.status);
          expect(log.filter((st) => FINAL_STATUSES.includes(st as never))).toHaveLength(1);
          const ranks = log.map((st) => (stage.includes(st) ? stage.indexOf(st) : stage.length));
          for (let k = 1; k < ranks.length; k++) expect(ranks[k]).toBeGreaterThan(ranks[k - 1]!);
        }
        // A scenario's test starts only after all its dependencies passed.
        for (const s of obs.starts) for (const d of s.depStatuses) expect(d).toBe("passed");
        // Never more than N at once, nor more than the per-worktree limit.
        expect(obs.maxRunning).toBeLessThanOrEqual(input.workers);
        expect(obs.maxRunningPerWorktree).toBeLessThanOrEqual(input.maxPerWorktree);

        for (let i = 0; i < n; i++) {
          const r = byName.get(`s${i}`)!;
          const depResults = input.deps[i]!.map((d) => byName.get(`s${d}`)!);
          const blocked = depResults.filter((d) => d.status !== "passed");
          if (r.status === "skipped") {
            // Skipped with a reason naming a dependency that did not pass.
            expect(r.skip?.dependency).toBeDefined();
            expect(blocked.map((b) => b.name)).toContain(r.skip!.dependency);
            expect(r.attempts).toHaveLength(0);
          } else if (blocked.length > 0) {
            // Only an interrupt may end a scenario with a non-passed dependency otherwise.
            expect(r.status).toBe("cancelled");
            expect(r.attempts).toHaveLength(0);
          }
          // Attempts: at most 1 + retries; one result whatever the count.
          expect(r.attempts.length).toBeLessThanOrEqual(1 + input.retries[i]!);
          if (r.status === "passed" && r.attempts.length > 1) expect(r.flaky).toBe(true);
          // After steps ran once per attempt, whatever happened.
          for (const a of r.attempts) {
            const after = obs.stepsRun.filter(
              (s) => s.name === r.name && s.phase === "after" && s.attempt === a.attempt,
            );
            expect(after).toHaveLength(input.after!.length);
          }
        }
        // Without an interrupt, nothing is cancelled and outcomes follow the fakes.
        if (!obs.interrupted) {
          for (let i = 0; i < n; i++) {
            const r = byName.get(`s${i}`)!;
            expect(r.status).not.toBe("cancelled");
            if (r.status === "skipped" || (input.before!.length > 0 && input.failingBefore)) continue;
            const expected = {
              pass: "passed",
              fail: "failed",
              crash: "errored",
              hang: "timed-out",
              flaky: input.retries[i]! > 0 ? "passed" : "failed",
            }[input.outcomes[i]!];
            expect(r.status).toBe(expected);
          }
        }
        // Counts add up.
        const counts = FINAL_STATUSES.map((s) => obs.results.filter((r) => r.status === s).length);
        expect(counts.reduce((a, b) => a + b, 0)).toBe(n);
      }),
      { numRuns: 250 },
    );
  });
});
