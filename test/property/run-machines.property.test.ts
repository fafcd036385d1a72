import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { RetryableStatus } from "../../src/config/types.js";
import { FINAL_STATUSES, type RootCause, type ScenarioResult } from "../../src/events.js";
import { earlierDependencies } from "../helpers/dag-arbitrary.js";
import {
  type AttemptPlan,
  type FakeRunInput,
  type FakeRunObservation,
  type FakeScenario,
  fakeRun,
  nameOf,
  type StepOutcome,
  type TestOutcome,
  WORKTREE_FAILURE,
  type WorktreeStart,
} from "../helpers/fake-run.js";
import { propertyRuns } from "../helpers/property-runs.js";
import { type ExpectedOutcome, expectedOutcomes } from "../helpers/run-oracle.js";

const stepOutcome = fc.constantFrom<StepOutcome>(
  ...(["pass", "pass", "pass", "pass", "pass", "pass", "fail", "hang", "crash", "throw"] as const),
);
const testOutcome = fc.constantFrom<TestOutcome>(
  ...(["pass", "pass", "pass", "fail", "fail", "hang", "crash", "throw"] as const),
);
const worktreeStart = fc.constantFrom<WorktreeStart>("ready", "ready", "ready", "late", "late", "failing");
const retryOn = fc.subarray<RetryableStatus>(["failed", "timed-out", "errored"]);

const runInput: fc.Arbitrary<FakeRunInput> = fc
  .record({
    n: fc.integer({ min: 1, max: 14 }),
    before: fc.constantFrom<string[]>([], ["prepare"], ["prepare", "seed"]),
    after: fc.constantFrom<string[]>([], ["collect"], ["collect", "teardown"]),
    worktrees: fc.array(worktreeStart, { minLength: 1, maxLength: 4 }),
  })
  .chain(({ n, before, after, worktrees }) => {
    const attemptPlan: fc.Arbitrary<AttemptPlan> = fc.record({
      before: fc.array(stepOutcome, { minLength: before.length, maxLength: before.length }),
      test: testOutcome,
      after: fc.array(stepOutcome, { minLength: after.length, maxLength: after.length }),
    });
    const scenario = (i: number): fc.Arbitrary<FakeScenario> =>
      fc.record({
        deps: earlierDependencies(i),
        unselected: fc.oneof(
          { weight: 6, arbitrary: fc.constant<string[]>([]) },
          { weight: 1, arbitrary: fc.constant<string[]>([`outside${i}`]) },
        ),
        worktree: fc.nat({ max: worktrees.length - 1 }),
        priority: fc.nat({ max: 4 }),
        retries: fc.nat({ max: 2 }),
        retryOn,
        attempts: fc.array(attemptPlan, { minLength: 3, maxLength: 3 }),
        ticks: fc.nat({ max: 3 }),
      });
    return fc.record<FakeRunInput>({
      scenarios: fc.tuple(...Array.from({ length: n }, (_, i) => scenario(i))),
      before: fc.constant(before),
      after: fc.constant(after),
      workers: fc.integer({ min: 1, max: 5 }),
      maxPerWorktree: fc.integer({ min: 1, max: 3 }),
      worktrees: fc.constant(worktrees),
      lateTicks: fc.nat({ max: 6 }),
      assumeDependenciesPassed: fc.boolean(),
      interruptAfter: fc.option(fc.integer({ min: 1, max: n + 2 }), { nil: undefined, freq: 4 }),
    });
  });

/** The result matches the oracle's expectation: status, reason, skip cause, attempts and commands run. */
function expectAsOracle(r: ScenarioResult, e: ExpectedOutcome, obs: FakeRunObservation, i: number) {
  const what = `${r.name}: ${JSON.stringify({ status: r.status, reason: r.reason, skip: r.skip })}`;
  expect(r.status, what).toBe(e.status);
  if (e.reasonPrefix) expect(r.reason.startsWith(e.reason), what).toBe(true);
  else expect(r.reason, what).toBe(e.reason);
  if (e.skippedBecauseOf) expect(e.skippedBecauseOf, what).toContain(r.skip?.dependency);
  if (e.dependency) expect(r.skip?.dependency, what).toBe(e.dependency);
  expect(r.attempts, what).toHaveLength(e.attempts);
  expect(r.flaky, what).toBe(e.flaky);
  const ran = obs.commands
    .filter((c) => c.index === i)
    .map(({ attempt, phase, step }) => ({ attempt, phase, step }));
  expect(ran, what).toEqual(e.commands);
}

/**
 * What a skip tells the user, checked against the other results: a worktree's cause as the worktree
 * reported it; an unselected dependency named with the way out; a dependency's failure as
 * `dependency "X" <status>`, or, when X was itself skipped, `dependency "X" was skipped` plus the
 * scenario whose non-pass started the chain, or, when the chain started at a skip of its own, that
 * skip's cause: the worktree and its problem, or the dependency left out of the run. Both the words
 * and the structured `rootCause` are found by walking the results back along the skipped
 * dependencies (not read from what a dependency's result carries).
 */
function expectSkipExplained(r: ScenarioResult, byName: Map<string, ScenarioResult>) {
  const what = `${r.name}: ${JSON.stringify(r.skip)}`;
  const skip = r.skip!;
  expect(skip, what).toBeDefined();
  expect(r.detail, what).toBe(skip.detail);
  if (skip.reason === WORKTREE_FAILURE.reason)
    expect(skip, what).toStrictEqual({
      ...WORKTREE_FAILURE,
      rootCause: { worktree: r.worktree, problem: WORKTREE_FAILURE.reason },
    });
  else if (skip.reason === "dependency-not-selected") {
    expect(skip.detail, what).toBe(
      `dependency "${skip.dependency}" is not part of this run (--no-deps); select it, or pass --assume-deps-passed`,
    );
    expect(skip.rootCause, what).toStrictEqual({ notSelected: skip.dependency });
  } else {
    expect(skip.reason, what).toBe("dependency-failed");
    const dep = byName.get(skip.dependency!)!;
    expect(dep.status, what).not.toBe("passed");
    expect(skip.rootCause, what).toStrictEqual(rootOf(dep));
    expect(skip.detail, what).toBe(
      dep.status !== "skipped"
        ? `dependency "${dep.name}" ${dep.status}`
        : `dependency "${dep.name}" was skipped${began(dep) ? ` (because ${began(dep)})` : ""}`,
    );
  }

  /** What began the chain that reached `r`, structured: a scenario and its status, a worktree and its problem, or a dependency left out. */
  function rootOf(r: ScenarioResult): RootCause | undefined {
    if (r.status !== "skipped") return { scenario: r.name, status: r.status };
    if (r.skip?.reason === "dependency-failed") return rootOf(byName.get(r.skip.dependency!)!);
    if (r.skip?.reason === "dependency-not-selected") return { notSelected: r.skip.dependency! };
    if (r.skip?.reason === WORKTREE_FAILURE.reason)
      return { worktree: r.worktree, problem: WORKTREE_FAILURE.reason };
    return undefined;
  }

  /** What began the chain that reached `r`: a non-pass, or a skip with a cause of its own. */
  function began(r: ScenarioResult): string | undefined {
    if (r.status !== "skipped") return `"${r.name}" ${r.status}`;
    if (r.skip?.reason === "dependency-failed") return began(byName.get(r.skip.dependency!)!);
    if (r.skip?.reason === "dependency-not-selected") return `"${r.skip.dependency}" is not part of this run`;
    if (r.skip?.reason === WORKTREE_FAILURE.reason) return `worktree "${r.worktree}" ${r.skip.reason}`;
    return undefined;
  }
}

/** Is `a` ahead of `b` in the scheduler's order: higher priority, then plan order? */
const ahead = (input: FakeRunInput, a: number, b: number) => {
  const pa = input.scenarios[a]!.priority;
  const pb = input.scenarios[b]!.priority;
  return pa > pb || (pa === pb && a < b);
};

describe("run and scenario machines (random DAGs x scripted outcomes x worktrees x interrupts)", () => {
  it("end every scenario as the oracle says, start the highest priority first, and keep every limit", async () => {
    await fc.assert(
      fc.asyncProperty(runInput, async (input) => {
        const obs = await fakeRun(input); // the run always terminates
        const n = input.scenarios.length;
        const expected = expectedOutcomes(input);
        expect(obs.results.map((r) => r.name)).toEqual(input.scenarios.map((_, i) => nameOf(i)));

        for (let i = 0; i < n; i++) {
          const r = obs.results[i]!;
          // Reported once; statuses only move forward and end with the final one.
          expect(obs.finishedCalls.get(r.name)).toBe(1);
          const log = obs.statusLog.get(r.name) ?? [];
          expect(log.at(-1)).toBe(r.status);
          const stage = ["pending", "waiting", "queued", "running"];
          const ranks = log.map((st) => (stage.includes(st) ? stage.indexOf(st) : stage.length));
          for (let k = 1; k < ranks.length; k++) expect(ranks[k]).toBeGreaterThan(ranks[k - 1]!);
          // Exactly the oracle's outcome; with an interrupt, cancelled if it had not finished by then.
          if (obs.interrupted && !obs.finishedBeforeInterrupt.has(r.name)) {
            expect(r.status).toBe("cancelled");
            expect(r.reason).toBe("cancelled");
          } else expectAsOracle(r, expected[i]!, obs, i);
        }
        if (!obs.interrupted) expect(obs.results.some((r) => r.status === "cancelled")).toBe(false);
        // What reporters are told along the way matches the results: every attempt once, in order; the
        // skip cause with the skipped status; the statuses read from the machines at the end.
        for (const r of obs.results) {
          expect(obs.attemptsReported.get(r.name) ?? [], r.name).toEqual(r.attempts);
          if (r.status === "skipped") expect(obs.skipsReported.get(r.name), r.name).toEqual(r.skip);
          expect(obs.finalStatuses.get(r.name), r.name).toBe(r.status);
        }
        // Worker slots: within 1..workers, never one another running scenario holds; one per start.
        expect(obs.slotClashes).toEqual([]);
        for (const slot of obs.slots.values()) {
          expect(slot).toBeGreaterThanOrEqual(1);
          expect(slot).toBeLessThanOrEqual(input.workers);
        }
        expect([...obs.slots.keys()].sort()).toEqual(obs.starts.map((s) => nameOf(s.index)).sort());
        expect(obs.maxConcurrency).toBeGreaterThanOrEqual(obs.maxRunning);
        expect(obs.maxConcurrency).toBeLessThanOrEqual(input.workers);
        const byName = new Map(obs.results.map((r) => [r.name, r]));
        for (const r of obs.results) {
          if (r.status === "skipped") expectSkipExplained(r, byName);
          else expect(r.skip).toBeUndefined();
        }

        // Scheduling: each start was allowed, within the limits, and the best of those that could start.
        for (const s of obs.starts) {
          expect(s.worktreeReady).toBe(true);
          expect(s.runningInWorktree).toBeLessThan(input.maxPerWorktree);
          expect(s.running).toBeLessThan(input.workers);
          expect(s.eligible).toContain(s.index);
          for (const other of s.eligible)
            if (other !== s.index) expect(ahead(input, other, s.index)).toBe(false);
        }
        expect(obs.maxRunning).toBeLessThanOrEqual(input.workers);

        // Counts add up.
        const counts = FINAL_STATUSES.map((st) => obs.results.filter((r) => r.status === st).length);
        expect(counts.reduce((a, b) => a + b, 0)).toBe(n);
      }),
      { numRuns: propertyRuns(300) },
    );
  });
});
