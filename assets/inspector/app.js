// Grove inspector: live or replayed view of a run. Everything from config or output is shown with
// textContent (never innerHTML), ANSI escapes are stripped, and nothing here writes anything.
(() => {
  "use strict";
  const SVG = "http://www.w3.org/2000/svg";
  const token = document.querySelector('meta[name="grove-token"]')?.content ?? "";
  const embedded = document.getElementById("grove-data");
  const $ = (id) => document.getElementById(id);
  const el = (tag, attrs = {}, text) => {
    const e = tag.startsWith("svg:") ? document.createElementNS(SVG, tag.slice(4)) : document.createElement(tag);
    for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, String(v));
    if (text !== undefined) e.textContent = String(text);
    return e;
  };
  // biome-ignore lint: control characters are what is being removed
  const stripAnsi = (s) => String(s ?? "").replace(/\u001b\[[0-9;?]*[ -/]*[@-~]/g, "").replace(/[\u0000-\u0008\u000b-\u001f\u007f]/g, "");

  let defs = null;
  const lines = [];
  let live = !embedded;
  let following = true;
  let selected = null;
  let layout = null;

  function valuePaths(v, prefix = "") {
    if (typeof v === "string") return [prefix + v];
    if (v && typeof v === "object") return Object.entries(v).flatMap(([k, child]) => [prefix + k, ...valuePaths(child, `${prefix}${k}.`)]);
    return [];
  }

  /** Folds recorded lines up to time t into the state of that moment. */
  function stateAt(t) {
    const s = { scenarios: new Map(), worktrees: new Map(), actors: new Map(), attempts: [], results: new Map(), finished: false };
    for (const d of defs.scenarios) s.scenarios.set(d.name, { status: "pending", detail: "" });
    for (const w of defs.worktrees) s.worktrees.set(w, { state: "verifying", detail: "" });
    const open = new Map();
    for (const line of lines) {
      if (line.t > t) break;
      if (line.k === "state") {
        const a = s.actors.get(line.a) ?? { current: null, visited: new Set() };
        a.current = line.v;
        for (const p of valuePaths(line.v)) a.visited.add(p);
        s.actors.set(line.a, a);
      } else if (line.k === "grove") {
        const e = line.e;
        if (e.type === "scenario-status") s.scenarios.set(e.name, { status: e.status, detail: e.detail ?? "" });
        else if (e.type === "worktree-status") s.worktrees.set(e.worktree, { state: e.state, detail: e.detail ?? "" });
        else if (e.type === "attempt-started") open.set(`${e.name}#${e.attempt}`, { name: e.name, attempt: e.attempt, start: line.t, end: null, status: "running", command: e.command, logPath: e.logPath });
        else if (e.type === "attempt-finished") {
          const a = open.get(`${e.name}#${e.result.attempt}`);
          if (a) Object.assign(a, { end: line.t, status: e.result.status });
        } else if (e.type === "scenario-finished") {
          s.results.set(e.result.name, e.result);
          s.scenarios.set(e.result.name, { status: e.result.status, detail: e.result.detail });
        } else if (e.type === "run-finished") s.finished = true;
      }
    }
    s.attempts = [...open.values()];
    return s;
  }

  function layoutGraph() {
    const g = new dagre.graphlib.Graph({ compound: true });
    g.setGraph({ rankdir: "LR", nodesep: 14, ranksep: 40, marginx: 10, marginy: 10 });
    g.setDefaultEdgeLabel(() => ({}));
    for (const w of defs.worktrees) g.setNode(`wt:${w}`, { label: w, clusterLabelPos: "top" });
    for (const sc of defs.scenarios) {
      g.setNode(`s:${sc.name}`, { width: Math.min(300, 24 + Math.max(sc.name.length, 34) * 7), height: 40 });
      g.setParent(`s:${sc.name}`, `wt:${sc.worktree}`);
    }
    for (const sc of defs.scenarios) for (const d of sc.dependencies) g.setEdge(`s:${d}`, `s:${sc.name}`);
    dagre.layout(g);
    return g;
  }

  function arrowDefs(svg, id) {
    const defsEl = el("svg:defs");
    const marker = el("svg:marker", { id, viewBox: "0 0 10 10", refX: 9, refY: 5, markerWidth: 6, markerHeight: 6, orient: "auto" });
    marker.append(el("svg:path", { d: "M0,0 L10,5 L0,10 z", fill: "#7d8a97" }));
    defsEl.append(marker);
    svg.append(defsEl);
  }

  function drawGraph(s) {
    const svg = $("graph");
    svg.replaceChildren();
    arrowDefs(svg, "arrow");
    const g = layout;
    svg.setAttribute("width", g.graph().width + 20);
    svg.setAttribute("height", g.graph().height + 20);
    for (const w of defs.worktrees) {
      const n = g.node(`wt:${w}`);
      if (!n) continue;
      const c = el("svg:g", { class: "cluster" });
      c.append(el("svg:rect", { x: n.x - n.width / 2, y: n.y - n.height / 2 - 8, width: n.width, height: n.height + 8 }), el("svg:text", { x: n.x - n.width / 2 + 4, y: n.y - n.height / 2 + 2 }, w));
      svg.append(c);
    }
    for (const e of g.edges()) {
      const pts = g.edge(e).points;
      svg.append(el("svg:path", { class: "edge", d: `M${pts.map((p) => `${p.x},${p.y}`).join(" L")}` }));
    }
    for (const sc of defs.scenarios) {
      const n = g.node(`s:${sc.name}`);
      const st = s.scenarios.get(sc.name);
      const node = el("svg:g", { class: `node s-${st.status}${selected?.kind === "scenario" && selected.name === sc.name ? " selected" : ""}`, "data-name": sc.name, "data-status": st.status, tabindex: 0 });
      node.append(el("svg:rect", { x: n.x - n.width / 2, y: n.y - n.height / 2, width: n.width, height: n.height }));
      node.append(el("svg:text", { x: n.x - n.width / 2 + 6, y: n.y - 4 }, sc.name));
      const sub = st.status === "skipped" ? `skipped: ${st.detail}` : st.status;
      node.append(el("svg:text", { class: "reason", x: n.x - n.width / 2 + 6, y: n.y + 12 }, sub.length > 44 ? `${sub.slice(0, 43)}…` : sub));
      node.append(el("svg:title", {}, `${sc.name}\n${sc.description}\n${st.status}${st.detail ? `: ${st.detail}` : ""}`));
      node.addEventListener("click", () => select({ kind: "scenario", name: sc.name }));
      svg.append(node);
    }
  }

  function drawWorktrees(s) {
    const ul = $("worktrees");
    ul.replaceChildren();
    for (const [name, w] of s.worktrees) {
      const li = el("li", { "data-worktree": name, "data-state": w.state, title: w.detail });
      li.append(el("span", {}, name), el("span", { class: "wt-state" }, w.state));
      li.addEventListener("click", () => select({ kind: "worktree", name }));
      ul.append(li);
    }
  }

  function drawChart(machine, actorState) {
    const svg = $("chart");
    svg.replaceChildren();
    arrowDefs(svg, "arrow2");
    const g = new dagre.graphlib.Graph({ multigraph: true, compound: true });
    g.setGraph({ rankdir: "TB", nodesep: 12, ranksep: 26, marginx: 6, marginy: 6 });
    g.setDefaultEdgeLabel(() => ({}));
    const states = machine.states.filter((st) => st.path !== "");
    for (const st of states) g.setNode(st.path, { width: Math.min(150, 20 + st.path.split(".").pop().length * 7), height: 24 });
    for (const st of states) if (st.parent) g.setParent(st.path, st.parent);
    // dagre cannot route edges to compound states: send them to the compound's first (initial) child.
    const firstChild = new Map();
    for (const st of states) if (st.parent && !firstChild.has(st.parent)) firstChild.set(st.parent, st.path);
    const leaf = (p) => (firstChild.has(p) ? leaf(firstChild.get(p)) : p);
    machine.transitions.forEach((t, i) => {
      for (const target of t.targets) {
        const from = leaf(t.source);
        const to = leaf(target);
        if (t.source && target && from !== to && g.hasNode(from) && g.hasNode(to)) g.setEdge(from, to, { label: t.event }, `e${i}`);
      }
    });
    dagre.layout(g);
    // Scale the chart to the side panel's width.
    svg.setAttribute("viewBox", `0 0 ${g.graph().width + 12} ${g.graph().height + 12}`);
    svg.setAttribute("width", "100%");
    svg.setAttribute("height", String(Math.min(520, (g.graph().height + 12) * Math.min(1, 350 / (g.graph().width + 12)))));
    const current = new Set(actorState ? valuePaths(actorState.current) : []);
    for (const e of g.edges()) {
      const edge = g.edge(e);
      svg.append(el("svg:path", { class: "chart-edge", "marker-end": "url(#arrow2)", d: `M${edge.points.map((p) => `${p.x},${p.y}`).join(" L")}` }));
    }
    for (const st of states) {
      const n = g.node(st.path);
      const isCompound = g.children(st.path).length > 0;
      const cls = ["chart-state", current.has(st.path) ? "current" : "", actorState?.visited.has(st.path) ? "visited" : ""].join(" ");
      const node = el("svg:g", { class: cls, "data-state": st.path });
      node.append(el("svg:rect", { x: n.x - n.width / 2, y: n.y - n.height / 2, width: n.width, height: n.height, "fill-opacity": isCompound ? 0.25 : 1 }));
      node.append(el("svg:text", { x: n.x - n.width / 2 + 5, y: isCompound ? n.y - n.height / 2 + 12 : n.y + 4 }, st.path.split(".").pop()));
      if (st.description) node.append(el("svg:title", {}, st.description));
      svg.append(node);
    }
  }

  function drawDetail(s) {
    const pane = $("detail");
    if (!selected) {
      pane.hidden = true;
      return;
    }
    pane.hidden = false;
    const body = $("detail-body");
    body.replaceChildren();
    $("detail-title").textContent = selected.name;
    if (selected.kind === "scenario") {
      const st = s.scenarios.get(selected.name);
      $("detail-status").textContent = `${st.status}${st.detail ? `: ${st.detail}` : ""}`;
      drawChart(defs.scenarioMachine, s.actors.get(selected.name));
      const attempts = s.attempts.filter((a) => a.name === selected.name);
      for (const a of attempts) body.append(el("div", {}, `attempt ${a.attempt}: ${a.status} — ${a.command.join(" ")}`), el("div", { class: "log" }, `log: ${a.logPath}`));
      const result = s.results.get(selected.name);
      const tail = result?.attempts?.at(-1)?.test?.outputTail;
      if (tail) body.append(el("pre", { class: "tail" }, stripAnsi(tail)));
    } else {
      const w = s.worktrees.get(selected.name);
      $("detail-status").textContent = `${w.state}${w.detail ? `: ${w.detail}` : ""}`;
      drawChart(defs.worktreeMachine, s.actors.get(`worktree:${selected.name}`));
    }
  }

  function drawGantt(s, t0, now) {
    const svg = $("gantt");
    svg.replaceChildren();
    const attempts = [...s.attempts].sort((a, b) => a.start - b.start);
    const laneEnds = [];
    for (const a of attempts) {
      let lane = laneEnds.findIndex((end) => end !== null && end <= a.start);
      if (lane === -1) lane = laneEnds.length;
      laneEnds[lane] = a.end ?? Number.POSITIVE_INFINITY;
      a.lane = lane;
    }
    // The critical path of what ran: the chain of dependencies with the largest total duration.
    const dur = new Map(attempts.map((a) => [a.name, (a.end ?? now) - a.start]));
    const memo = new Map();
    const chain = (name) => {
      if (memo.has(name)) return memo.get(name);
      const sc = defs.scenarios.find((x) => x.name === name);
      let best = { total: 0, path: [] };
      for (const d of sc?.dependencies ?? []) {
        const c = chain(d);
        if (c.total > best.total) best = c;
      }
      const r = { total: best.total + (dur.get(name) ?? 0), path: [...best.path, name] };
      memo.set(name, r);
      return r;
    };
    let critical = { total: 0, path: [] };
    for (const sc of defs.scenarios) {
      const c = chain(sc.name);
      if (c.total > critical.total) critical = c;
    }
    const onPath = new Set(critical.path);
    const span = Math.max(1, now - t0);
    const width = Math.max(600, $("gantt-pane").clientWidth - 30);
    const x = (ms) => 70 + ((ms - t0) / span) * (width - 80);
    svg.setAttribute("width", width);
    svg.setAttribute("height", Math.max(30, laneEnds.length * 22 + 10));
    laneEnds.forEach((_, i) => svg.append(el("svg:text", { class: "lane-label", x: 4, y: i * 22 + 18 }, `worker ${i + 1}`)));
    for (const a of attempts) {
      const status = a.status === "running" ? "running" : a.status;
      const bar = el("svg:rect", { class: `bar${onPath.has(a.name) ? " critical" : ""}`, x: x(a.start), y: a.lane * 22 + 5, width: Math.max(2, x(a.end ?? now) - x(a.start)), height: 16, fill: `var(--${status})` });
      bar.append(el("svg:title", {}, `${a.name} attempt ${a.attempt}: ${a.status}`));
      svg.append(bar);
      svg.append(el("svg:text", { x: x(a.start) + 3, y: a.lane * 22 + 17 }, a.name));
    }
  }

  function render() {
    if (!defs) return;
    const scrub = $("scrub");
    const t0 = lines[0]?.t ?? 0;
    const tEnd = lines.at(-1)?.t ?? t0;
    scrub.min = String(t0);
    scrub.max = String(tEnd);
    if (following) scrub.value = String(tEnd);
    const t = Number(scrub.value);
    $("clock").textContent = `${((t - t0) / 1000).toFixed(1)}s / ${((tEnd - t0) / 1000).toFixed(1)}s`;
    const s = stateAt(t);
    const counts = {};
    for (const v of s.scenarios.values()) counts[v.status] = (counts[v.status] ?? 0) + 1;
    const c = $("counts");
    c.replaceChildren(...Object.entries(counts).map(([k, v]) => el("span", { "data-count": k }, `${k}: ${v}`)));
    $("mode").textContent = live && !s.finished ? "live" : "replay";
    drawGraph(s);
    drawWorktrees(s);
    drawDetail(s);
    drawGantt(s, t0, Math.max(t, t0 + 1));
  }

  function select(sel) {
    selected = sel;
    render();
  }

  let pending = false;
  function scheduleRender() {
    if (pending) return;
    pending = true;
    requestAnimationFrame(() => {
      pending = false;
      render();
    });
  }

  $("scrub").addEventListener("input", () => {
    following = Number($("scrub").value) >= Number($("scrub").max);
    scheduleRender();
  });

  async function start() {
    if (embedded) {
      const data = JSON.parse(embedded.textContent);
      defs = data.definitions;
      lines.push(...data.lines);
    } else {
      defs = await (await fetch(`/api/definitions?token=${encodeURIComponent(token)}`)).json();
    }
    $("run-id").textContent = defs.runId;
    layout = layoutGraph();
    render();
    if (embedded) return;
    const source = new EventSource(`/api/events?token=${encodeURIComponent(token)}`);
    source.onmessage = (m) => {
      lines.push(JSON.parse(m.data));
      scheduleRender();
    };
    source.addEventListener("end", () => {
      live = false;
      source.close();
      scheduleRender();
    });
  }
  window.groveInspector = { select: (kind, name) => select({ kind, name }), ready: start() };
})();
