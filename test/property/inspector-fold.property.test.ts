/**
 * The inspector's stateAt(t) (assets/inspector/fold.js, run in Node as the page runs it) against an
 * independent oracle: a replay of every status line up to t from the start. The page keeps a snapshot
 * every 2,000 status changes, so half the cases are long enough to pass that interval twice: crossing
 * it does not depend on luck.
 *
 * In the property project (60 s per test) rather than the unit one (5 s): 40 cases of up to 4,500
 * lines take 1.3-2 s at load 8 on 2 cores, and the 5 s limit failed it under heavier load once (the
 * cases passed; the clock ran out). 800 cases found no failing input.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { defsOf, loadFold, sc, status } from "../helpers/inspector-fold.js";
import { propertyRuns } from "../helpers/property-runs.js";

const G = loadFold();
const STATUSES = G.STATUSES as string[];

const change = fc.record({
  dt: fc.nat(3),
  scenario: fc.nat(7),
  status: fc.constantFrom(...STATUSES),
  worktree: fc.boolean(),
});

describe("inspector fold.js stateAt", () => {
  it("stateAt(t) equals replaying every status line up to t, across snapshot boundaries", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 8 }),
        fc.oneof(fc.array(change, { maxLength: 60 }), fc.array(change, { minLength: 4001, maxLength: 4500 })),
        fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { minLength: 1, maxLength: 8 }),
        (n, changes, probes) => {
          const names = Array.from({ length: n }, (_, i) => `s${i}`);
          const store = G.createStore(
            defsOf(
              names.map((name) => sc(name)),
              ["w1", "w2"],
            ),
          );
          const lines: { t: number; name?: string; worktree?: string; status: string }[] = [];
          let t = 1;
          for (const c of changes) {
            t += c.dt;
            if (c.worktree) {
              const worktree = c.scenario % 2 ? "w2" : "w1";
              store.append({ t, k: "grove", e: { type: "worktree-status", worktree, state: c.status } });
              lines.push({ t, worktree, status: c.status });
            } else {
              const name = names[c.scenario % n]!;
              store.append(status(t, name, c.status));
              lines.push({ t, name, status: c.status });
            }
          }
          for (const probe of [...probes.map((f) => Math.floor(f * t)), t, t - 1, 0]) {
            const expected = names.map(() => "pending");
            const wt = new Map([
              ["w1", "verifying"],
              ["w2", "verifying"],
            ]);
            for (const l of lines)
              if (l.t <= probe) {
                if (l.name) expected[names.indexOf(l.name)] = l.status;
                else wt.set(l.worktree!, l.status);
              }
            const st = store.stateAt(probe);
            expect(st.status).toEqual(expected);
            expect(
              new Map([...st.worktrees].map(([w, v]: [string, { state: string }]) => [w, v.state])),
            ).toEqual(wt);
          }
        },
      ),
      // Shrinking thousands of lines takes minutes: report the first failing case as found.
      { numRuns: propertyRuns(40), endOnFailure: true },
    );
  });
});
