/**
 * The inspector's folding code (assets/inspector/fold.js, a classic browser script) run in Node, as
 * the page would run it (test/helpers/inspector-fold.ts), its store driven with recorded lines. The
 * property that statuses at any moment equal a replay from the start is in
 * test/property/inspector-fold.property.test.ts.
 */
import { describe, expect, it } from "vitest";
import { defsOf, loadFold, sc, status } from "../../helpers/inspector-fold.js";

const G = loadFold();

describe("inspector fold.js", () => {
  it("names the leaf state of a state value", () => {
    expect(G.leafPath("pending")).toBe("pending");
    expect(G.leafPath({ running: "test" })).toBe("running.test");
    expect(G.leafPath({ running: { before: "step0" } })).toBe("running.before.step0");
    expect(G.leafPath({})).toBe("");
  });

  it("computes dependency levels, a topological order and dependents from the definitions", () => {
    const store = G.createStore(defsOf([sc("c", ["b"]), sc("a"), sc("b", ["a"]), sc("d", ["a", "missing"])]));
    expect([...store.level]).toEqual([2, 0, 1, 1]);
    const pos = new Map<number, number>([...store.order].map((i: number, k: number) => [i, k]));
    expect(pos.get(1)!).toBeLessThan(pos.get(2)!);
    expect(pos.get(2)!).toBeLessThan(pos.get(0)!);
    expect(store.dependents[1]).toEqual([2, 3]);
  });

  it("folds statuses, finished results, worktree states and attempts; takeDirty hands over what changed", () => {
    const store = G.createStore(defsOf([sc("a"), sc("b", ["a"])]));
    store.append({ t: 10, k: "grove", e: { type: "run-started", workers: 3 } });
    store.append({ t: 11, k: "grove", e: { type: "worktree-status", worktree: "w", state: "ready" } });
    store.append(status(12, "a", "running"));
    store.append({
      t: 12,
      k: "grove",
      e: { type: "attempt-started", name: "a", worktree: "w", attempt: 1, slot: 2 },
    });
    store.append({ t: 12, k: "state", a: "a", v: { running: "test" } });
    store.append({ t: 12, k: "event", a: "a", ev: "START" });
    store.append({
      t: 20,
      k: "grove",
      e: { type: "attempt-finished", name: "a", result: { attempt: 1, status: "failed" } },
    });
    store.append({
      t: 21,
      k: "grove",
      e: { type: "scenario-finished", result: { name: "a", status: "failed", detail: "exit 1" } },
    });
    store.append(status(22, "b", "skipped", "dependency a failed"));
    store.append({ t: 23, k: "grove", e: { type: "run-finished" } });

    expect(store.workers).toBe(3);
    expect(store.status).toEqual(["failed", "skipped"]);
    expect(store.detail).toEqual(["exit 1", "dependency a failed"]);
    expect(store.worktrees.get("w")).toEqual({ state: "ready", detail: "" });
    expect(store.attempts).toMatchObject([{ name: "a", slot: 2, start: 12, end: 20, status: "failed" }]);
    expect(store.actors.get("a")).toEqual({
      path: [{ t: 12, p: "running.test", x: null }],
      events: [{ t: 12, ev: "START" }],
    });
    expect(store.results.get("a")).toMatchObject({ status: "failed" });
    expect(store.finished).toBe(true);
    expect([store.t0, store.tEnd]).toEqual([10, 23]);
    expect(store.counts(store)).toMatchObject({ failed: 1, skipped: 1, passed: 0, pending: 0 });
    const dirty = store.takeDirty();
    expect([...dirty.scenarios].sort()).toEqual([0, 1]);
    expect([...dirty.worktrees]).toEqual(["w"]);
    expect(dirty.attempts).toBe(true);
    const again = store.takeDirty();
    expect([again.scenarios.size, again.worktrees.size, again.attempts]).toEqual([0, 0, false]);
    // Earlier moments: before anything, and between a's start and its end.
    expect(store.stateAt(0).status).toEqual(["pending", "pending"]);
    expect(store.stateAt(0).worktrees.get("w")).toEqual({ state: "verifying", detail: "" });
    expect(store.stateAt(15).status).toEqual(["running", "pending"]);
  });

  it("the critical path is the dependency chain with the most attempt time", () => {
    const store = G.createStore(defsOf([sc("a"), sc("b", ["a"]), sc("c", ["a"]), sc("d", ["c"])]));
    const attempt = (name: string, start: number, end: number) => {
      store.append({ t: start, k: "grove", e: { type: "attempt-started", name, worktree: "w", attempt: 1 } });
      store.append({
        t: end,
        k: "grove",
        e: { type: "attempt-finished", name, result: { attempt: 1, status: "passed" } },
      });
    };
    attempt("a", 0, 5);
    attempt("b", 5, 30);
    attempt("c", 5, 15);
    attempt("d", 15, 25);
    // a+b = 30 beats a+c+d = 25.
    expect(store.criticalPath(100).map((i: number) => store.defs.scenarios[i].name)).toEqual(["a", "b"]);
  });
});
