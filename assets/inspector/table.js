// @ts-check
// Grove inspector: every scenario in one list, failures first, with search by name and filters by
// status, worktree and tag. Virtualized: only the rows in view exist in the page, so 10,000 scroll as
// smoothly as 10. Not responsible for what a row's scenario is (the store) or its detail (detail.js).
(() => {
  "use strict";
  const G = window.Grove;
  const { $, el } = G;
  const ROW = 26;
  const OVERSCAN = 8;
  /** The scenario indexes the list shows, in order. */
  /** @type {number[]} */
  let rows = [];
  let lastSort = 0;
  let needsSort = true;
  /** @type {HTMLElement[]} */
  const pool = [];
  /**
   * The scroll box's offset and height, read only where they change (scroll, resize): reading them in a
   * frame after the detail pane changed would force a synchronous layout of the whole page per click.
   */
  let scrollTop = 0;
  let viewHeight = 600;

  /** @param {GroveCtx} ctx */
  function mount(ctx) {
    const { defs } = ctx.store;
    const status = $("f-status");
    status.append(el("option", { value: "" }, "every status"), el("option", { value: "bad" }, "failed, timed out or errored"));
    for (const s of G.STATUSES) status.append(el("option", { value: s }, s));
    const wt = $("f-worktree");
    wt.append(el("option", { value: "" }, "every worktree"));
    for (const w of defs.worktrees) wt.append(el("option", { value: w }, w));
    const tag = $("f-tag");
    tag.append(el("option", { value: "" }, "every tag"));
    for (const t of [...new Set(defs.scenarios.flatMap((s) => s.tags ?? []))].sort()) tag.append(el("option", { value: t }, t));
    tag.hidden = tag.options.length === 1;
    for (const id of ["search", "f-status", "f-worktree", "f-tag"])
      $(id).addEventListener("input", () => {
        needsSort = true;
        $("table-scroll").scrollTop = scrollTop = 0;
        ctx.schedule();
      });
    const box = $("table-scroll");
    box.addEventListener(
      "scroll",
      () => {
        scrollTop = box.scrollTop;
        drawRows(ctx);
      },
      { passive: true },
    );
    new ResizeObserver(([entry]) => {
      viewHeight = entry?.contentRect.height || viewHeight;
      drawRows(ctx);
    }).observe(box);
    $("table-scroll").addEventListener("keydown", (e) => {
      if (e.key !== "ArrowDown" && e.key !== "ArrowUp") return;
      const focused = document.activeElement?.closest?.(".row");
      if (!focused) return;
      e.preventDefault();
      const k = Number(focused.getAttribute("data-k")) + (e.key === "ArrowDown" ? 1 : -1);
      if (k < 0 || k >= rows.length) return;
      const box = $("table-scroll");
      if (k * ROW < scrollTop || (k + 1) * ROW > scrollTop + viewHeight) box.scrollTop = scrollTop = Math.max(0, k * ROW - viewHeight / 2);
      drawRows(ctx);
      const row = box.querySelector(`.row[data-k="${k}"]`);
      if (row instanceof HTMLElement) row.focus();
    });
  }

  /** @param {GroveCtx} ctx */
  function filterAndSort(ctx) {
    const { store, st } = ctx;
    const q = $("search").value.trim().toLowerCase();
    const fs = $("f-status").value;
    const fw = $("f-worktree").value;
    const ft = $("f-tag").value;
    /** @type {number[]} */
    const out = [];
    store.defs.scenarios.forEach((sc, i) => {
      const s = st.status[i];
      if (fs === "bad" ? !G.BAD.has(s) : fs && s !== fs) return;
      if (fw && sc.worktree !== fw) return;
      if (ft && !(sc.tags ?? []).includes(ft)) return;
      if (q && !sc.name.toLowerCase().includes(q)) return;
      out.push(i);
    });
    out.sort((a, b) => G.RANK[st.status[a]] - G.RANK[st.status[b]] || a - b);
    rows = out;
    $("row-count").textContent = `${out.length} of ${store.defs.scenarios.length} scenarios`;
    $("table-spacer").style.height = `${out.length * ROW}px`;
  }

  /** @param {GroveCtx} ctx */
  function rowFor(ctx) {
    const r = el("div", { class: "row", role: "row", tabindex: 0 });
    for (let c = 0; c < 5; c++) r.append(el("span", { role: "gridcell" }));
    G.activate(r, () => ctx.select({ kind: "scenario", name: r.dataset.name ?? "" }));
    return r;
  }

  /** @param {GroveCtx} ctx */
  function drawRows(ctx) {
    const box = $("table-scroll");
    const first = Math.max(0, Math.floor(scrollTop / ROW) - OVERSCAN);
    const last = Math.min(rows.length, Math.ceil((scrollTop + viewHeight) / ROW) + OVERSCAN);
    const { store, st } = ctx;
    /** @type {Map<number, number>} */
    const attempts = new Map();
    for (let k = first; k < last; k++) attempts.set(rows[k], 0);
    for (const a of store.attempts) {
      const i = store.index.get(a.name);
      if (i !== undefined && attempts.has(i) && a.start <= ctx.t) attempts.set(i, (attempts.get(i) ?? 0) + 1);
    }
    let used = 0;
    for (let k = first; k < last; k++, used++) {
      if (!pool[used]) pool[used] = box.appendChild(rowFor(ctx));
      const r = pool[used];
      const i = rows[k];
      const sc = store.defs.scenarios[i];
      const s = st.status[i];
      if (r.hidden) r.hidden = false;
      const y = `translateY(${k * ROW}px)`;
      if (r.style.transform !== y) r.style.transform = y;
      r.dataset.k = String(k);
      r.dataset.name = sc.name;
      r.dataset.status = s;
      r.classList.toggle("selected", ctx.selected?.kind === "scenario" && ctx.selected.name === sc.name);
      const [c0, c1, c2, c3, c4] = /** @type {HTMLCollectionOf<HTMLElement>} */ (r.children);
      G.setText(c0, s);
      if (c0.className !== `pill s-${s}`) c0.className = `pill s-${s}`;
      G.setText(c1, sc.name);
      c1.title = sc.name;
      G.setText(c2, sc.worktree);
      G.setText(c3, String(attempts.get(i)));
      G.setText(c4, st.detail[i]);
      c4.title = st.detail[i];
    }
    for (; used < pool.length; used++) if (!pool[used].hidden) pool[used].hidden = true;
  }

  /** @param {GroveCtx} ctx @param {GroveDirty} dirty */
  function update(ctx, dirty) {
    const now = performance.now();
    if (!needsSort && !dirty.full && ctx.following && dirty.scenarios.size === 0 && !dirty.attempts) return;
    // Statuses move rows (failures first): re-sort when filters change, on scrub, else at most 4x a second.
    if (needsSort || dirty.full || !ctx.following || (dirty.scenarios.size > 0 && now - lastSort > 250)) {
      needsSort = false;
      lastSort = now;
      filterAndSort(ctx);
    } else if (dirty.scenarios.size > 0) needsSort = true;
    drawRows(ctx);
    if (needsSort) setTimeout(() => ctx.schedule(), 260);
  }

  /** Only the highlight moves: no row is redrawn for a click. */
  /** @param {GroveCtx} ctx */
  function selectionChanged(ctx) {
    const name = ctx.selected?.kind === "scenario" ? ctx.selected.name : null;
    for (const r of pool) if (!r.hidden) r.classList.toggle("selected", r.dataset.name === name);
  }

  G.views.table = { mount, update, selectionChanged, show: () => $("search").focus({ preventScroll: true }) };
})();
