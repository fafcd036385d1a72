// @ts-check
// Grove inspector: the run at a glance. One card per worktree (its machine state and its scenarios'
// counts), the failures with their causes and how many scenarios each took down, and the critical path.
// Cheap at 10,000 scenarios: one pass over the statuses per frame, and only when something changed.
(() => {
  "use strict";
  const G = window.Grove;
  const { $, el } = G;
  const MAX_FAILURES = 100;
  const LIVE_CRITICAL_MS = 5000;
  /** @type {Map<string, HTMLElement>} */
  let cards = new Map();
  let lastCritical = 0;
  /** What each list shows, so an unchanged list is not rebuilt (a rebuild is layout and paint). */
  const shownKey = { failures: "", critical: "" };

  /** @param {GroveCtx} ctx */
  function mount(ctx) {
    const box = $("wt-cards");
    cards = new Map();
    for (const w of ctx.store.defs.worktrees) {
      const card = el("div", { class: "wt-card", tabindex: 0, role: "button", "data-worktree": w });
      const head = el("div", { class: "wt-head" });
      head.append(el("span", { class: "wt-name" }, w), el("span", { class: "wt-state" }));
      const bar = el("div", { class: "stack", "aria-hidden": "true" });
      for (const s of G.STATUSES) bar.append(el("i", { class: `s-${s}`, "data-s": s }));
      const actions = el("div", { class: "wt-actions" });
      const open = el("button", {}, "graph");
      open.addEventListener("click", (e) => {
        e.stopPropagation();
        G.views.graph.setScope?.(ctx, `wt:${w}`);
        ctx.showTab("graph");
      });
      actions.append(el("span", { class: "wt-counts" }), open);
      card.append(head, bar, actions);
      G.activate(card, () => ctx.select({ kind: "worktree", name: w }));
      box.append(card);
      cards.set(w, card);
    }
  }

  /** @param {GroveCtx} ctx @param {GroveDirty} dirty */
  function update(ctx, dirty) {
    if (!dirty.full && dirty.scenarios.size === 0 && dirty.worktrees.size === 0 && !dirty.attempts) return;
    const { store, st } = ctx;
    const per = new Map(store.defs.worktrees.map((w) => [w, Object.fromEntries(G.STATUSES.map((s) => [s, 0]))]));
    store.defs.scenarios.forEach((sc, i) => {
      const c = per.get(sc.worktree);
      if (c) c[st.status[i]]++;
    });
    for (const [w, card] of cards) {
      const c = per.get(w);
      if (!c) continue;
      const total = Object.values(c).reduce((a, b) => a + b, 0) || 1;
      const ws = st.worktrees.get(w);
      const state = /** @type {HTMLElement} */ (card.querySelector(".wt-state"));
      G.setText(state, ws?.state ?? "");
      // Unchanged values are not written again: a write is a mutation, and data-state restyles the card.
      if (card.title !== (ws?.detail ?? "")) card.title = ws?.detail ?? "";
      if (card.dataset.state !== (ws?.state ?? "")) card.dataset.state = ws?.state ?? "";
      for (const seg of /** @type {NodeListOf<HTMLElement>} */ (card.querySelectorAll(".stack > i"))) {
        const width = `${(c[seg.dataset.s ?? ""] / total) * 100}%`;
        if (seg.style.width !== width) seg.style.width = width;
      }
      G.setText(/** @type {HTMLElement} */ (card.querySelector(".wt-counts")), G.STATUSES.filter((s) => c[s] > 0).map((s) => `${c[s]} ${s}`).join(" · "));
    }
    drawFailures(ctx);
    // The critical path walks every attempt, and while a run goes on another chain is often the
    // longest at each frame (the list rebuilt: most of a live frame's layout): every few seconds.
    const now = performance.now();
    if (dirty.full || !ctx.following || !ctx.live || now - lastCritical > LIVE_CRITICAL_MS) {
      lastCritical = now;
      drawCritical(ctx);
    }
  }

  /** @param {GroveCtx} ctx */
  function drawFailures(ctx) {
    const { store, st } = ctx;
    const list = $("failures");
    const failed = [];
    for (let i = 0; i < st.status.length; i++) if (G.BAD.has(st.status[i])) failed.push(i);
    // Skipped dependents change what a failure's line says: part of the key.
    const key = `${failed.join(",")}|${st.status.filter((s) => s === "skipped").length}`;
    if (key === shownKey.failures) return;
    shownKey.failures = key;
    const items = failed.slice(0, MAX_FAILURES).map((i) => {
      const sc = store.defs.scenarios[i];
      // How many scenarios it took down: its dependents, transitively, that were skipped.
      let skipped = 0;
      const seen = new Set([i]);
      const stack = [i];
      while (stack.length) for (const j of store.dependents[/** @type {number} */ (stack.pop())]) if (!seen.has(j) && st.status[j] === "skipped") {
            seen.add(j);
            skipped++;
            stack.push(j);
          }
      const li = el("li", { tabindex: 0, "data-name": sc.name, "data-status": st.status[i] });
      li.append(el("span", { class: `pill s-${st.status[i]}` }, st.status[i]), el("span", { class: "name" }, sc.name), el("span", { class: "muted" }, ` ${sc.worktree} — ${st.detail[i] || st.status[i]}${skipped ? `; ${skipped} dependent${skipped > 1 ? "s" : ""} skipped` : ""}`));
      G.activate(li, () => ctx.select({ kind: "scenario", name: sc.name }));
      return li;
    });
    if (failed.length === 0) items.push(el("li", { class: "muted" }, "none"));
    else if (failed.length > MAX_FAILURES) items.push(el("li", { class: "muted" }, `and ${failed.length - MAX_FAILURES} more: see the Scenarios tab`));
    list.replaceChildren(...items);
  }

  /** @param {GroveCtx} ctx */
  function drawCritical(ctx) {
    const { store } = ctx;
    const path = store.criticalPath(ctx.t);
    const onPath = new Map(path.map((i) => [store.defs.scenarios[i].name, 0]));
    for (const a of store.attempts)
      if (onPath.has(a.name) && a.start <= ctx.t) onPath.set(a.name, (onPath.get(a.name) ?? 0) + Math.min(a.end ?? ctx.t, ctx.t) - a.start);
    const durations = path.map((i) => onPath.get(store.defs.scenarios[i].name) ?? 0);
    const key = path.map((i, k) => `${i}:${Math.round(durations[k] / 10)}`).join(",");
    if (key === shownKey.critical) return;
    shownKey.critical = key;
    const list = $("critical");
    let total = 0;
    // Rows are kept per scenario: while a run goes on, mostly a duration changes, and rewriting one
    // text costs far less than rebuilding the list (layout and text shaping of every row).
    /** @type {Map<string | null, Element>} */
    const kept = new Map([...list.children].map((li) => [li.getAttribute("data-name"), li]));
    const items = path.map((i, k) => {
      const d = durations[k];
      total += d;
      const sc = store.defs.scenarios[i];
      let li = kept.get(sc.name);
      if (!li) {
        const made = el("li", { tabindex: 0, "data-name": sc.name });
        made.append(el("span", { class: "name" }, sc.name), el("span", { class: "muted" }));
        G.activate(made, () => ctx.select({ kind: "scenario", name: sc.name }));
        li = made;
      }
      G.setText(/** @type {Node} */ (li.lastChild), ` ${sc.worktree}, ${G.seconds(d)}`);
      return li;
    });
    G.setText($("critical-total"), path.length ? `${path.length} scenarios, ${G.seconds(total)} of attempts in a chain` : "nothing has run yet");
    const same = items.length === list.childElementCount && items.every((li, k) => list.children[k] === li);
    if (!same) list.replaceChildren(...items);
  }

  G.views.overview = { mount, update };
})();
