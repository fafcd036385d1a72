// @ts-check
// Grove inspector: the selected scenario or worktree. Its statechart (drawn from the compiled machine,
// laid out by elkjs, readable at 1:1), the current state, every state it entered with the edges taken
// marked, its attempts and output tail, and its event log with timestamps, all as of the moment the
// scrubber shows.
(() => {
  "use strict";
  const G = window.Grove;
  const { $, el } = G;
  const MAX_LOG = 400;
  /** @type {Map<string, Promise<GroveLayoutResult & { graph: GroveGraph, states: GroveMachineState[] }>>} each machine's laid-out statechart */
  const charts = new Map();
  let drawnFor = null;
  /** The machine whose statechart is in the panel: selecting another actor of it only re-marks. */
  /** @type {string | null} */
  let chartOf = null;
  /** @type {Map<string, SVGElement>} each drawn state, by path */
  let stateEls = new Map();
  /** @type {Map<string, SVGElement[]>} the drawn edges of each "source>target" */
  let edgeEls = new Map();

  /** @param {GroveMachineState} st */
  const label = (st) => {
    const last = st.path.split(".").pop() ?? "";
    return st.meta?.step ? `${last} "${st.meta.step}"` : last;
  };

  /** @param {GroveMachine} machine */
  function chartLayout(machine) {
    if (!charts.has(machine.id)) {
      const states = machine.states.filter((s) => s.path !== "");
      const parents = new Set(states.map((s) => s.parent).filter((p) => p !== null && p !== ""));
      /** @type {GroveGraph} */
      const graph = {
        nodes: states.filter((s) => !parents.has(s.path)).map((s) => ({ id: `st:${s.path}`, w: label(s).length * 7.4 + 22, h: 28, group: s.parent ? `st:${s.parent}` : undefined })),
        groups: [...parents].map((p) => ({ id: `st:${p}` })),
        edges: [],
      };
      machine.transitions.forEach((t, i) => {
        t.targets.forEach((target, k) => {
          if (!t.source || !target) return;
          graph.edges.push({ id: `t${i}_${k}`, source: `st:${t.source}`, target: `st:${target}`, label: t.guard ? `${t.event} [${t.guard}]` : t.event, key: `${t.source}>${target}` });
        });
      });
      charts.set(machine.id, G.layout(graph, { direction: "DOWN" }).then((r) => ({ ...r, graph, states })));
    }
    return /** @type {NonNullable<ReturnType<typeof charts.get>>} */ (charts.get(machine.id));
  }

  /** @param {GroveCtx} ctx */
  /**
   * @param {GroveCtx} ctx
   * @param {GroveSelection} sel
   */
  function actorOf(ctx, sel) {
    return ctx.store.actors.get(sel.kind === "scenario" ? sel.name : `worktree:${sel.name}`) ?? { path: [], events: [] };
  }

  /** @param {GroveCtx} ctx */
  async function drawChart(ctx) {
    const sel = ctx.selected;
    if (!sel) return;
    const machine = sel.kind === "scenario" ? ctx.store.defs.scenarioMachine : ctx.store.defs.worktreeMachine;
    const key = `${sel.kind}:${sel.name}`;
    drawnFor = key;
    if (chartOf !== machine.id) {
      // Another machine's chart is still drawn: its states must not be marked with this actor's path.
      stateEls = new Map();
      edgeEls = new Map();
      chartOf = null;
    }
    // The path and event log at once; the chart is marked again once laid out.
    mark(ctx);
    if (chartOf === machine.id) return;
    const { layout, fallback, graph, states } = await chartLayout(machine);
    if (drawnFor !== key) return;
    chartOf = machine.id;
    const svg = $("chart");
    if (!layout) {
      svg.replaceChildren(el("svg:text", { x: 10, y: 20 }, `statechart unavailable: ${fallback}`));
      return;
    }
    const defsEl = el("svg:defs");
    for (const [id, cls] of [["arrow2", "chart-arrow"], ["arrow3", "chart-arrow taken"]]) {
      const m = el("svg:marker", { id, viewBox: "0 0 10 10", refX: 9, refY: 5, markerWidth: 7, markerHeight: 7, orient: "auto" });
      m.append(el("svg:path", { d: "M0,0 L10,5 L0,10 z", class: cls }));
      defsEl.append(m);
    }
    /** @type {(HTMLElement | SVGElement)[]} */
    const parts = [defsEl];
    stateEls = new Map();
    edgeEls = new Map();
    const byId = new Map(states.map((s) => [`st:${s.path}`, s]));
    for (const [id, box] of layout.groups) {
      const s = byId.get(id);
      if (!s) continue;
      const g = el("svg:g", { class: "chart-state compound", "data-state": s.path });
      g.append(el("svg:rect", { x: box.x, y: box.y, width: box.w, height: box.h, rx: 8 }), el("svg:text", { x: box.x + 8, y: box.y + 16 }, label(s)));
      if (s.description) g.append(el("svg:title", {}, s.description));
      stateEls.set(s.path, g);
      parts.push(g);
    }
    const edgeInfo = new Map(graph.edges.map((e) => [e.id, e]));
    for (const e of layout.edges) {
      const info = edgeInfo.get(e.id);
      if (!info?.key || !e.points.length) continue;
      const g = el("svg:g", { class: "chart-edge", "data-transition": info.key });
      g.append(el("svg:path", { "marker-end": "url(#arrow2)", d: `M${e.points.map((p) => `${p.x},${p.y}`).join(" L")}` }));
      if (e.label) g.append(el("svg:text", { class: "chart-edge-label", x: e.label.x, y: e.label.y + 11 }, e.label.text));
      const edges = edgeEls.get(info.key) ?? [];
      edges.push(g);
      edgeEls.set(info.key, edges);
      parts.push(g);
    }
    for (const [id, box] of layout.nodes) {
      const s = byId.get(id);
      if (!s) continue;
      const g = el("svg:g", { class: "chart-state", "data-state": s.path });
      g.append(el("svg:rect", { x: box.x, y: box.y, width: box.w, height: box.h, rx: 5 }), el("svg:text", { x: box.x + 10, y: box.y + 18 }, label(s)));
      if (s.description) g.append(el("svg:title", {}, s.description));
      stateEls.set(s.path, g);
      parts.push(g);
    }
    svg.replaceChildren(...parts);
    svg.setAttribute("viewBox", `0 0 ${layout.width} ${layout.height}`);
    // 1:1 (12 px labels) unless the panel is narrower: never below 70%, the panel scrolls instead.
    const scale = Math.max(0.7, Math.min(1, ($("chart-wrap").clientWidth - 4) / layout.width));
    svg.setAttribute("width", String(layout.width * scale));
    svg.setAttribute("height", String(layout.height * scale));
    $("chart-note")?.remove();
    if (fallback) $("chart-wrap").append(el("p", { id: "chart-note", class: "muted" }, `plain layout (${fallback})`));
    mark(ctx);
  }

  /** @param {string} p a dotted state path, and every path above it */
  const ancestors = (p) => p.split(".").map((_, i, a) => a.slice(0, i + 1).join("."));

  /** Current state, visited states and taken edges as of the moment shown. */
  /** @param {GroveCtx} ctx */
  function mark(ctx) {
    const sel = ctx.selected;
    if (!sel) return;
    const actor = actorOf(ctx, sel);
    const upTo = actor.path.filter((p) => p.t <= ctx.t);
    const visited = new Set(upTo.flatMap((p) => ancestors(p.p)));
    const current = new Set(upTo.length ? ancestors(upTo[upTo.length - 1].p) : []);
    const taken = new Set(upTo.flatMap((p) => (p.x ?? []).flatMap((x) => {
      const [src, targets] = x.split(">");
      return targets.split(",").map((t) => `${src}>${t}`);
    })));
    for (const [path, g] of stateEls) {
      g.classList.toggle("current", current.has(path));
      g.classList.toggle("visited", visited.has(path));
    }
    for (const [key, gs] of edgeEls)
      for (const g of gs) {
        g.classList.toggle("taken", taken.has(key));
        g.firstElementChild?.setAttribute("marker-end", taken.has(key) ? "url(#arrow3)" : "url(#arrow2)");
      }
    $("path").replaceChildren(...upTo.map((p, k) => el("li", { "data-state": p.p, class: k === upTo.length - 1 ? "current" : "" }, `${G.seconds(p.t - ctx.store.t0)}  ${p.p}`)));
    const log = [
      ...actor.events.filter((e) => e.t <= ctx.t).map((e) => ({ t: e.t, text: `event ${e.ev}` })),
      ...upTo.map((p) => ({ t: p.t, text: `→ ${p.p}` })),
    ].sort((a, b) => a.t - b.t);
    const shown = log.slice(-MAX_LOG);
    const items = shown.map((e) => el("li", {}, `${G.seconds(e.t - ctx.store.t0)}  ${e.text}`));
    if (log.length > shown.length) items.unshift(el("li", { class: "muted" }, `${log.length - shown.length} earlier entries not shown`));
    if (items.length === 0)
      items.push(el("li", { class: "muted" }, sel.kind === "scenario" ? "no machine yet: a scenario's machine starts when a worker slot takes it" : "nothing yet"));
    $("event-log").replaceChildren(...items);
  }

  /** @param {GroveCtx} ctx */
  function drawBody(ctx) {
    const sel = ctx.selected;
    if (!sel) return;
    const body = $("detail-body");
    const parts = [];
    if (sel.kind === "scenario") {
      const i = ctx.store.index.get(sel.name);
      if (i === undefined) return;
      const s = ctx.st.status[i];
      const sc = ctx.store.defs.scenarios[i];
      // A detail that begins with the status ("passed on attempt 2 (flaky: ...)") stands for it.
      const said = ctx.st.detail[i] ?? "";
      const verdict = !said ? s : said === s || said.startsWith(`${s} `) ? said : `${s}: ${said}`;
      $("detail-status").textContent = `${verdict} · worktree ${sc.worktree}${sc.dependencies.length ? ` · needs ${sc.dependencies.join(", ")}` : ""}`;
      // What began its chain of skips, read from the result's structured root cause (the detail only
      // names the direct dependency's skip): a scenario or a worktree of the run is a button that
      // selects it; a dependency left out of the run is not on the page.
      const root = s === "skipped" ? ctx.store.results.get(sel.name)?.skip?.rootCause : undefined;
      if (root) {
        /** @type {GroveSelection | null} */
        const target = "scenario" in root ? { kind: "scenario", name: root.scenario } : "worktree" in root ? { kind: "worktree", name: root.worktree } : null;
        const text = G.rootCauseText(root);
        const what = target ? el("button", { type: "button", class: "root-cause", "data-kind": target.kind, "data-name": target.name }, text) : el("span", { class: "root-cause" }, text);
        if (target) what.addEventListener("click", () => ctx.select(target));
        parts.push(el("h3", {}, "Root cause"), what);
      }
      const attempts = ctx.store.attempts.filter((a) => a.name === sel.name && a.start <= ctx.t);
      if (attempts.length) parts.push(el("h3", {}, "Attempts"));
      for (const a of attempts) {
        const status = a.end !== null && a.end <= ctx.t ? a.status : "running";
        parts.push(el("div", { class: "attempt" }, `attempt ${a.attempt} on slot ${a.slot || "?"}: ${status} — ${G.shellCommandLine(a.command)}`), el("div", { class: "log" }, `log: ${a.logPath}`));
      }
      const tail = ctx.store.results.get(sel.name)?.attempts?.at(-1)?.test?.outputTail;
      if (tail && ctx.t >= ctx.store.tEnd) parts.push(el("h3", {}, "Output (last lines)"), el("pre", { class: "tail" }, G.stripAnsi(tail)));
    } else {
      const w = ctx.st.worktrees.get(sel.name);
      $("detail-status").textContent = `${w?.state ?? ""}${w?.detail ? `: ${w.detail}` : ""}`;
    }
    body.replaceChildren(...parts);
  }

  /** @param {GroveCtx} ctx */
  function open(ctx) {
    const pane = $("detail");
    pane.hidden = !ctx.selected;
    if (!ctx.selected) return;
    $("detail-title").textContent = ctx.selected.name;
    $("detail-title").dataset.kind = ctx.selected.kind;
    $("detail-graph").hidden = ctx.selected.kind !== "scenario";
    drawBody(ctx);
    drawChart(ctx);
  }

  /** @param {GroveCtx} ctx @param {GroveDirty} dirty */
  function update(ctx, dirty) {
    const sel = ctx.selected;
    if (!sel) return;
    const changed = !ctx.following || dirty.full || (sel.kind === "scenario" ? dirty.scenarios.has(ctx.store.index.get(sel.name) ?? -1) || dirty.attempts : dirty.worktrees.has(sel.name));
    if (!changed) return;
    drawBody(ctx);
    mark(ctx);
  }

  /** @param {GroveCtx} ctx */
  function mount(ctx) {
    $("detail-close").addEventListener("click", () => ctx.select(null));
    $("detail-graph").addEventListener("click", () => {
      if (ctx.selected?.kind !== "scenario") return;
      G.views.graph.setScope?.(ctx, `around:${ctx.selected.name}`);
      ctx.showTab("graph");
    });
    document.addEventListener("keydown", (e) => {
      if (e.key === "Escape" && ctx.selected) ctx.select(null);
    });
  }

  /** Lays out both statecharts ahead of the first click (a replay has the machine to itself). */
  /** @param {GroveCtx} ctx */
  function prepare(ctx) {
    chartLayout(ctx.store.defs.scenarioMachine);
    chartLayout(ctx.store.defs.worktreeMachine);
  }

  G.detail = { mount, open, update, prepare };
})();
