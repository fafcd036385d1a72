// @ts-check
// Grove inspector: the run's recorded lines folded once, incrementally, into state. Live and replayed
// runs go through the same append(). Lines are not kept: only the status changes (a few per scenario)
// go into a log, with a snapshot of every status every SNAPSHOT_EVERY changes, so any moment is a
// snapshot plus at most that many changes away. Not responsible for drawing anything.
(() => {
  "use strict";
  window.Grove ??= /** @type {GroveNamespace} */ ({});
  const G = window.Grove;
  const SNAPSHOT_EVERY = 2000;

  /** Statuses in the one order the page shows them (header counts, legend, filters). */
  G.STATUSES = ["pending", "waiting", "queued", "running", "passed", "failed", "timed-out", "errored", "skipped", "cancelled"];
  G.BAD = new Set(["failed", "timed-out", "errored"]);
  /** Failures first, then what is in flight, then the rest (the table's and overview's order). */
  G.RANK = { failed: 0, "timed-out": 0, errored: 0, cancelled: 1, skipped: 2, running: 3, queued: 4, waiting: 5, pending: 6, passed: 7 };

  /** The leaf state's dotted path of a state value ({running: "test"} -> "running.test"). */
  G.leafPath = (v) => {
    let path = "";
    while (v && typeof v === "object") {
      const [k, child] = Object.entries(v)[0] ?? [];
      if (k === undefined) break;
      path += `${k}.`;
      v = child;
    }
    return typeof v === "string" ? path + v : path.replace(/\.$/, "");
  };

  /**
   * Dependency depth (plan level) and a topological order, computed once from the definitions.
   * @param {GroveDefs} defs
   * @param {Map<string, number>} index
   */
  function levels(defs, index) {
    const n = defs.scenarios.length;
    const indeg = new Int32Array(n);
    /** @type {number[][]} */
    const dependents = Array.from({ length: n }, () => []);
    defs.scenarios.forEach((sc, i) => {
      for (const d of sc.dependencies) {
        const j = index.get(d);
        if (j === undefined) continue;
        indeg[i]++;
        dependents[j].push(i);
      }
    });
    const level = new Int32Array(n);
    /** @type {number[]} */
    const order = [];
    for (let i = 0; i < n; i++) if (indeg[i] === 0) order.push(i);
    for (let k = 0; k < order.length; k++)
      for (const j of dependents[order[k]]) {
        level[j] = Math.max(level[j], level[order[k]] + 1);
        if (--indeg[j] === 0) order.push(j);
      }
    return { level, order, dependents };
  }

  G.createStore = (defs) => {
    const index = new Map(defs.scenarios.map((s, i) => [s.name, i]));
    const n = defs.scenarios.length;
    const { level, order, dependents } = levels(defs, index);
    /** @type {GroveStore} */
    const store = {
      defs, index, level, order, dependents,
      lineCount: 0,
      /** Status changes in time order: [t, scenario index (or -1), worktree name, status, detail]. */
      statusLog: [],
      status: defs.scenarios.map(() => "pending"),
      detail: defs.scenarios.map(() => ""),
      worktrees: new Map(defs.worktrees.map((w) => [w, { state: "verifying", detail: "" }])),
      /** Per actor (scenario name, or "worktree:<name>"): states entered and events received. */
      actors: new Map(),
      attempts: [],
      results: new Map(),
      snapshots: [],
      workers: 0, t0: 0, tEnd: 0, finished: false,
      /** Scenario indexes and worktree names changed since the last takeDirty(). */
      dirty: new Set(), dirtyWorktrees: new Set(), dirtyAttempts: false,
      append, stateAt, counts, criticalPath, takeDirty,
    };
    /** @type {Map<string, GroveAttempt>} */
    const openAttempts = new Map();
    /** @param {string} a */
    const actor = (a) => {
      let x = store.actors.get(a);
      if (!x) {
        x = { path: [], events: [] };
        store.actors.set(a, x);
      }
      return x;
    };

    /**
     * Status changes only: what a snapshot and a scrub need. Shared by append() and stateAt().
     * Returns the scenario's index, -2 for a worktree, -1 for anything else.
     * @param {GroveState} st
     * @param {GroveEvent} e
     */
    function applyStatus(st, e) {
      if (e.type === "scenario-status") {
        const i = index.get(e.name);
        if (i === undefined) return -1;
        st.status[i] = e.status;
        st.detail[i] = e.detail ?? "";
        return i;
      }
      if (e.type === "scenario-finished") {
        const i = index.get(e.result.name);
        if (i === undefined) return -1;
        st.status[i] = e.result.status;
        st.detail[i] = e.result.detail ?? "";
        return i;
      }
      if (e.type === "worktree-status") {
        st.worktrees.set(e.worktree, { state: e.state, detail: e.detail ?? "" });
        return -2;
      }
      return -1;
    }

    /** @param {GroveLine} line */
    function append(line) {
      if (store.lineCount++ === 0) store.t0 = line.t;
      store.tEnd = Math.max(store.tEnd, line.t);
      if (line.k === "state") {
        actor(line.a).path.push({ t: line.t, p: G.leafPath(line.v), x: line.x ?? null });
        markActor(line.a);
      } else if (line.k === "event") {
        actor(line.a).events.push({ t: line.t, ev: line.ev });
        markActor(line.a);
      } else if (line.k === "grove") {
        const e = line.e;
        const i = applyStatus(store, e);
        if (i >= 0) {
          store.dirty.add(i);
          logStatus([line.t, i, "", store.status[i], store.detail[i]]);
        } else if (i === -2 && e.type === "worktree-status") {
          store.dirtyWorktrees.add(e.worktree);
          logStatus([line.t, -1, e.worktree, e.state, e.detail ?? ""]);
        }
        if (e.type === "run-started") store.workers = e.workers;
        else if (e.type === "attempt-started") {
          const a = { name: e.name, worktree: e.worktree, attempt: e.attempt, slot: e.slot ?? 0, start: line.t, end: null, status: "running", command: e.command, logPath: e.logPath };
          openAttempts.set(`${e.name}#${e.attempt}`, a);
          store.attempts.push(a);
          store.dirtyAttempts = true;
        } else if (e.type === "attempt-finished") {
          const a = openAttempts.get(`${e.name}#${e.result.attempt}`);
          if (a) {
            Object.assign(a, { end: line.t, status: e.result.status });
            openAttempts.delete(`${e.name}#${e.result.attempt}`);
          }
          store.dirtyAttempts = true;
        } else if (e.type === "scenario-finished") store.results.set(e.result.name, e.result);
        else if (e.type === "run-finished") store.finished = true;
      }
    }
    /** @param {GroveStatusEntry} entry */
    function logStatus(entry) {
      store.statusLog.push(entry);
      if (store.statusLog.length % SNAPSHOT_EVERY === 0)
        store.snapshots.push({ at: store.statusLog.length, status: store.status.slice(), detail: store.detail.slice(), worktrees: new Map(store.worktrees) });
    }
    /**
     * @param {GroveState} st
     * @param {GroveStatusEntry} entry
     */
    function replay(st, [, i, w, status, detail]) {
      if (i >= 0) {
        st.status[i] = status;
        st.detail[i] = detail;
      } else st.worktrees.set(w, { state: status, detail });
    }
    /** @param {string} a */
    function markActor(a) {
      if (a.startsWith("worktree:")) store.dirtyWorktrees.add(a.slice(9));
      else {
        const i = index.get(a);
        if (i !== undefined) store.dirty.add(i);
      }
    }

    /**
     * The number of status changes at or before time t.
     * @param {number} t
     */
    const changesUpTo = (t) => {
      const log = store.statusLog;
      let lo = 0;
      let hi = log.length;
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if (log[mid][0] <= t) lo = mid + 1;
        else hi = mid;
      }
      return lo;
    };

    /**
     * Scenario statuses and worktree states at time t (the latest state itself when t is the end).
     * @param {number} t
     * @returns {GroveState}
     */
    function stateAt(t) {
      if (t >= store.tEnd) return store;
      const upTo = changesUpTo(t);
      const snap = store.snapshots[Math.floor(upTo / SNAPSHOT_EVERY) - 1] ?? null;
      const st = snap
        ? { status: snap.status.slice(), detail: snap.detail.slice(), worktrees: new Map(snap.worktrees) }
        : { status: defs.scenarios.map(() => "pending"), detail: defs.scenarios.map(() => ""), worktrees: new Map(defs.worktrees.map((w) => [w, { state: "verifying", detail: "" }])) };
      for (let k = snap ? snap.at : 0; k < upTo; k++) replay(st, store.statusLog[k]);
      return st;
    }

    /**
     * Counts per status, in G.STATUSES order.
     * @param {GroveState} st
     * @returns {Record<string, number>}
     */
    function counts(st) {
      const c = Object.fromEntries(G.STATUSES.map((s) => [s, 0]));
      for (const s of st.status) c[s] = (c[s] ?? 0) + 1;
      return c;
    };

    /**
     * The chain of dependencies that took longest (attempt time summed), as scenario indexes.
     * @param {number} now
     */
    function criticalPath(now) {
      const dur = new Float64Array(n);
      for (const a of store.attempts) {
        const i = index.get(a.name);
        if (i !== undefined) dur[i] += (a.end ?? now) - a.start;
      }
      const total = new Float64Array(n);
      const prev = new Int32Array(n).fill(-1);
      let best = -1;
      for (const i of order) {
        total[i] += dur[i];
        if (best === -1 || total[i] > total[best]) best = i;
        for (const j of dependents[i])
          if (total[i] > total[j]) {
            total[j] = total[i];
            prev[j] = i;
          }
      }
      /** @type {number[]} */
      const path = [];
      for (let i = best; i !== -1 && dur[i] > 0; i = prev[i]) path.unshift(i);
      return path;
    }

    /** @returns {GroveDirty} */
    function takeDirty() {
      const d = { scenarios: store.dirty, worktrees: store.dirtyWorktrees, attempts: store.dirtyAttempts };
      store.dirty = new Set();
      store.dirtyWorktrees = new Set();
      store.dirtyAttempts = false;
      return d;
    }
    return store;
  };
})();
