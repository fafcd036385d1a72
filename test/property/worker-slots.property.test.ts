import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { ReadySet, type SchedulerCommand } from "../../src/scheduler/ready-set.js";

/** Random DAGs, settled in a random order with random outcomes: the slots the scheduler hands out. */
const input = fc.integer({ min: 1, max: 20 }).chain((n) =>
  fc.record({
    deps: fc
      .array(fc.uniqueArray(fc.nat({ max: n - 1 }), { maxLength: 3 }), { minLength: n, maxLength: n })
      .map((d) => d.map((ds, i) => ds.filter((x) => x < i))),
    workers: fc.integer({ min: 1, max: 6 }),
    worktrees: fc.integer({ min: 1, max: 4 }),
    maxPerWorktree: fc.integer({ min: 1, max: 3 }),
    picks: fc.array(fc.nat(), { minLength: 40, maxLength: 40 }),
    passes: fc.array(fc.boolean(), { minLength: 40, maxLength: 40 }),
  }),
);

describe("worker slots", () => {
  it("every start gets a slot in 1..workers that no other running scenario holds", () => {
    fc.assert(
      fc.property(input, ({ deps, workers, worktrees, maxPerWorktree, picks, passes }) => {
        const n = deps.length;
        const dependents = deps.map((_, i) => deps.flatMap((ds, j) => (ds.includes(i) ? [`s${j}`] : [])));
        const ready = new ReadySet(
          deps.map((ds, i) => ({
            name: `s${i}`,
            worktree: `w${i % worktrees}`,
            dependencies: ds.map((d) => `s${d}`),
            dependents: dependents[i]!,
            priority: 0,
            unselectedDependencies: [],
          })),
          { workers, maxPerWorktree, assumeDependenciesPassed: false, worktreesStartReady: true },
        );
        const running = new Map<string, number>();
        let starts = 0;
        const apply = (commands: SchedulerCommand[]) => {
          for (const c of commands) {
            if (c.kind !== "start") continue;
            starts++;
            expect(c.slot).toBeGreaterThanOrEqual(1);
            expect(c.slot).toBeLessThanOrEqual(workers);
            expect([...running.values()]).not.toContain(c.slot);
            running.set(c.name, c.slot);
          }
        };
        apply(ready.begin());
        for (let k = 0; running.size > 0; k++) {
          const names = [...running.keys()];
          const name = names[picks[k % picks.length]! % names.length]!;
          running.delete(name);
          apply(ready.settle(name, passes[k % passes.length] ? "passed" : "failed"));
        }
        expect(ready.done).toBe(true);
        expect(starts).toBeLessThanOrEqual(n);
      }),
    );
  });
});
