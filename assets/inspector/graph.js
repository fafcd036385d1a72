// @ts-check
// Grove inspector: the scenario graph of one scope (the whole run when small, one worktree, or the
// dependencies and dependents of a selected scenario), laid out in the worker (layout.js), with zoom,
// pan and fit. Live changes touch only the nodes whose status changed.
(() => {
  "use strict";
  const G = window.Grove;
  const { $, el } = G;
  /** Up to this many scenarios the graph may show the whole run (and small runs open on it). */
  G.GRAPH_ALL_LIMIT = 150;
  /** Above this many nodes in a scope, the plain layout is used at once (elkjs would take seconds). */
  const ELK_LIMIT = 400;
  const AROUND_LIMIT = 300;
  const W = 210;
  const H = 42;
  /** The scope shown: "all", "wt:<worktree>" or "around:<scenario>" (set by mount). */
  let scope = "all";
  /** @type {Map<number, SVGElement>} each drawn scenario's node, by scenario index */
  let nodes = new Map();
  /** @type {{ building: true, key: string } | { building?: false, key: string, width: number, height: number } | null} */
  let drawn = null;
  let generation = 0;
  const view = { x: 0, y: 0, k: 1 };
  /** @type {Map<string, GroveLayoutResult>} */
  const layouts = new Map();

  /**
   * @param {GroveCtx} ctx
   * @param {string} key
   * @returns {number[]}
   */
  function scopeMembers(ctx, key) {
    const { store } = ctx;
    const all = store.defs.scenarios;
    if (key === "all") return all.map((_, i) => i);
    if (key.startsWith("wt:")) {
      const w = key.slice(3);
      return all.map((sc, i) => (sc.worktree === w ? i : -1)).filter((i) => i >= 0);
    }
    const start = store.index.get(key.slice(7));
    if (start === undefined) return [];
    // Its dependencies (transitively, upward) and dependents (downward), nearest first, capped.
    const out = new Set([start]);
    /** @type {((i: number) => number[])[]} */
    const directions = [(i) => all[i].dependencies.map((d) => store.index.get(d)).filter((j) => j !== undefined), (i) => store.dependents[i]];
    for (const next of directions) {
      const queue = [start];
      while (queue.length && out.size < AROUND_LIMIT) for (const j of next(/** @type {number} */ (queue.shift()))) if (!out.has(j) && out.size < AROUND_LIMIT) {
            out.add(j);
            queue.push(j);
          }
    }
    return [...out];
  }

  /** @param {GroveCtx} ctx */
  function fillScopes(ctx) {
    const sel = $("g-scope");
    const keep = sel.value;
    const opts = [];
    if (ctx.store.defs.scenarios.length <= G.GRAPH_ALL_LIMIT) opts.push(["all", "every scenario"]);
    for (const w of ctx.store.defs.worktrees) opts.push([`wt:${w}`, `worktree ${w}`]);
    if (ctx.selected?.kind === "scenario") opts.push([`around:${ctx.selected.name}`, `around ${G.clip(ctx.selected.name, 40)}`]);
    if (scope?.startsWith("around:") && !opts.some(([v]) => v === scope)) opts.push([scope, `around ${G.clip(scope.slice(7), 40)}`]);
    sel.replaceChildren(...opts.map(([v, label]) => el("option", { value: v }, label)));
    sel.value = scope ?? keep;
  }

  /**
   * @param {GroveCtx} ctx
   * @param {string} key
   */
  function setScope(ctx, key) {
    scope = key;
    fillScopes(ctx);
    drawn = null;
    ctx.schedule();
  }

  /** @param {GroveCtx} ctx */
  function mount(ctx) {
    scope = ctx.store.defs.scenarios.length <= G.GRAPH_ALL_LIMIT ? "all" : `wt:${ctx.store.defs.worktrees[0] ?? ""}`;
    fillScopes(ctx);
    $("g-scope").addEventListener("change", () => setScope(ctx, $("g-scope").value));
    $("g-fit").addEventListener("click", () => fit());
    $("g-in").addEventListener("click", () => zoomAt(1.25));
    $("g-out").addEventListener("click", () => zoomAt(0.8));
    const svg = $("graph");
    svg.addEventListener("wheel", (e) => {
      e.preventDefault();
      const r = svg.getBoundingClientRect();
      zoomAt(Math.exp(-e.deltaY / 400), e.clientX - r.left, e.clientY - r.top);
    }, { passive: false });
    /** @type {{ x: number, y: number, vx: number, vy: number } | null} */
    let drag = null;
    svg.addEventListener("pointerdown", (e) => {
      if (e.target instanceof Element && e.target.closest(".node")) return;
      drag = { x: e.clientX, y: e.clientY, vx: view.x, vy: view.y };
      svg.setPointerCapture(e.pointerId);
    });
    svg.addEventListener("pointermove", (e) => {
      if (!drag) return;
      view.x = drag.vx + e.clientX - drag.x;
      view.y = drag.vy + e.clientY - drag.y;
      apply();
    });
    svg.addEventListener("pointerup", () => (drag = null));
    G.views.graph.setScope = (c, key) => setScope(c, key);
  }

  function apply() {
    $("graph-viewport").setAttribute("transform", `translate(${view.x},${view.y}) scale(${view.k})`);
  }
  /**
   * @param {number} f the factor
   * @param {number} [cx] the point kept in place (the middle when absent)
   * @param {number} [cy]
   */
  function zoomAt(f, cx, cy) {
    const box = $("graph").getBoundingClientRect();
    cx ??= box.width / 2;
    cy ??= box.height / 2;
    const k = Math.min(4, Math.max(0.05, view.k * f));
    view.x = cx - ((cx - view.x) * k) / view.k;
    view.y = cy - ((cy - view.y) * k) / view.k;
    view.k = k;
    apply();
  }
  function fit() {
    if (!drawn || drawn.building) return;
    const box = $("graph").getBoundingClientRect();
    const w = box.width || 800;
    const h = box.height || 500;
    view.k = Math.min(1.2, (w - 20) / drawn.width, (h - 20) / drawn.height);
    view.x = (w - drawn.width * view.k) / 2;
    view.y = Math.max(10, (h - drawn.height * view.k) / 2);
    apply();
  }

  /** @param {GroveCtx} ctx */
  async function build(ctx) {
    const key = scope;
    const gen = ++generation;
    const members = scopeMembers(ctx, key);
    const { store } = ctx;
    const inScope = new Set(members);
    const present = new Set(members.map((i) => store.defs.scenarios[i].worktree));
    const worktrees = store.defs.worktrees.filter((w) => present.has(w));
    /** @type {GroveGraph} */
    const graph = {
      nodes: members.map((i) => ({ id: `s${i}`, w: W, h: H, group: worktrees.length > 1 ? `g:${store.defs.scenarios[i].worktree}` : undefined })),
      groups: worktrees.length > 1 ? worktrees.map((w) => ({ id: `g:${w}` })) : [],
      edges: [],
    };
    let outside = 0;
    for (const i of members)
      for (const d of store.defs.scenarios[i].dependencies) {
        const j = store.index.get(d);
        if (j !== undefined && inScope.has(j)) graph.edges.push({ id: `e${j}_${i}`, source: `s${j}`, target: `s${i}` });
        else outside++;
      }
    $("g-note").textContent = members.length > ELK_LIMIT ? `laying out ${members.length} scenarios…` : "laying out…";
    let result = layouts.get(key);
    if (!result) {
      result = members.length > ELK_LIMIT ? { layout: G.plainLayout(graph), fallback: `${members.length} scenarios: a plain layout by dependency depth` } : await G.layout(graph, { lanes: true });
      layouts.set(key, result);
    }
    if (gen !== generation) return;
    const notes = [];
    if (result.fallback) notes.push(`plain view (${result.fallback})`);
    if (outside) notes.push(`${outside} dependencies outside this view not drawn`);
    $("g-note").textContent = notes.join("; ");
    if (!result.layout) {
      G.banner(`The graph could not be laid out: ${result.fallback}. The Scenarios tab lists every scenario.`, "error");
      return;
    }
    draw(ctx, result.layout, members, worktrees);
  }

  /**
   * @param {GroveCtx} ctx
   * @param {GroveLayout} layout
   * @param {number[]} members
   * @param {string[]} worktrees
   */
  function draw(ctx, layout, members, worktrees) {
    const { store } = ctx;
    const vp = $("graph-viewport");
    const defsEl = el("svg:defs");
    const marker = el("svg:marker", { id: "arrow", viewBox: "0 0 10 10", refX: 9, refY: 5, markerWidth: 7, markerHeight: 7, orient: "auto" });
    marker.append(el("svg:path", { d: "M0,0 L10,5 L0,10 z", class: "arrowhead" }));
    defsEl.append(marker);
    const parts = [defsEl];
    for (const w of worktrees) {
      const g = layout.groups.get(`g:${w}`);
      if (!g) continue;
      const c = el("svg:g", { class: "cluster", "data-worktree": w });
      c.append(el("svg:rect", { x: g.x, y: g.y, width: g.w, height: g.h, rx: 6 }), el("svg:text", { x: g.x + 8, y: g.y + 17 }, w));
      parts.push(c);
    }
    for (const e of layout.edges) {
      if (!e.points.length) continue;
      const [a, b] = [e.points[0], e.points[e.points.length - 1]];
      // Between lanes: one curve from box to box; inside a lane: elk's routed polyline.
      const d = e.between ? `M${a.x},${a.y} C${a.x + 60},${a.y} ${b.x - 60},${b.y} ${b.x},${b.y}` : `M${e.points.map((p) => `${p.x},${p.y}`).join(" L")}`;
      parts.push(el("svg:path", { class: e.between ? "edge between" : "edge", "marker-end": "url(#arrow)", d }));
    }
    nodes = new Map();
    for (const i of members) {
      const n = layout.nodes.get(`s${i}`);
      if (!n) continue;
      const sc = store.defs.scenarios[i];
      const g = el("svg:g", { class: "node", "data-name": sc.name, tabindex: 0, role: "button", "aria-label": sc.name });
      g.append(
        el("svg:rect", { x: n.x, y: n.y, width: n.w, height: n.h, rx: 4 }),
        el("svg:text", { class: "name", x: n.x + 8, y: n.y + 17 }, G.clip(sc.name, 30)),
        el("svg:text", { class: "reason", x: n.x + 8, y: n.y + 33 }),
        el("svg:title", {}, `${sc.name}\n${sc.description ?? ""}`),
      );
      G.activate(g, () => ctx.select({ kind: "scenario", name: sc.name }));
      nodes.set(i, g);
      parts.push(g);
    }
    vp.replaceChildren(...parts);
    drawn = { width: layout.width, height: layout.height, key: scope };
    for (const i of nodes.keys()) paint(ctx, i);
    fit();
  }

  /**
   * @param {GroveCtx} ctx
   * @param {number} i
   */
  function paint(ctx, i) {
    const g = nodes.get(i);
    if (!g) return;
    const s = ctx.st.status[i];
    const detail = ctx.st.detail[i];
    g.setAttribute("class", `node s-${s}${ctx.selected?.kind === "scenario" && ctx.selected.name === g.dataset.name ? " selected" : ""}`);
    g.dataset.status = s;
    const reason = g.querySelector(".reason");
    if (reason) reason.textContent = G.clip(s === "skipped" && detail ? `skipped: ${detail}` : s, 34);
  }

  /** @param {GroveCtx} ctx @param {GroveDirty} dirty */
  function update(ctx, dirty) {
    if (!drawn || drawn.key !== scope || drawn.building) {
      if (!(drawn?.building && drawn.key === scope)) {
        drawn = { building: true, key: scope };
        build(ctx).catch((error) => G.banner(`The graph could not be drawn: ${error?.message ?? error}`, "error"));
      }
      return;
    }
    const all = dirty.full || !ctx.following;
    for (const i of all ? nodes.keys() : dirty.scenarios) if (nodes.has(i)) paint(ctx, i);
  }

  /** @param {GroveCtx} ctx */
  function selectionChanged(ctx) {
    fillScopes(ctx);
    for (const i of nodes.keys()) paint(ctx, i);
  }

  G.views.graph = { mount, update, selectionChanged, show: () => drawn && !drawn.building && drawn.width && setTimeout(fit) };
})();
