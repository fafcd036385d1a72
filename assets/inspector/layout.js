// @ts-check
// Grove inspector: graph layout. elkjs runs in a Web Worker (layout-worker.js) so the page never
// blocks; when the worker cannot start, fails or takes too long, a plain layout by structure Grove
// already knows (groups as bands, columns by dependency depth) is used instead and the caller says so.
// Input and output use one shape: { nodes: [{id, w, h, group?}], edges: [{id, source, target, label?}],
// groups: [{id}] } -> { nodes: Map id -> {x, y, w, h}, groups: Map, edges: [{id, points, label?}], width, height }.
(() => {
  "use strict";
  window.Grove ??= /** @type {GroveNamespace} */ ({});
  const G = window.Grove;
  const TIMEOUT_MS = 8000;
  /** @type {Worker | null} */
  let worker = null;
  /** @type {string | null} why the worker cannot be used */
  let workerFailed = null;
  let nextId = 1;
  /** @type {Map<number, { resolve(graph: GroveElkNode): void, reject(error: Error): void, timer: ReturnType<typeof setTimeout> }>} */
  const waiting = new Map();
  /** @param {unknown} error */
  const messageOf = (error) => (error instanceof Error ? error.message : String(error));

  /** @type {Promise<string> | null} */
  let workerUrl = null;
  /**
   * The worker's script: served next to the page, or, in the offline report, inlined gzipped as base64
   * (elkjs is 1.6 MB as text, 0.6 MB so) and unpacked here into a Blob URL (no file fetch).
   */
  function workerScript() {
    if (workerUrl) return workerUrl;
    const packed = document.getElementById("grove-worker");
    workerUrl = packed
      ? (async () => {
          if (typeof DecompressionStream === "undefined") throw new Error("this browser cannot unpack the layout engine (no DecompressionStream)");
          const bytes = Uint8Array.from(atob((packed.textContent ?? "").trim()), (c) => c.charCodeAt(0));
          const code = await new Response(new Blob([bytes]).stream().pipeThrough(new DecompressionStream("gzip"))).blob();
          return URL.createObjectURL(new Blob([code], { type: "text/javascript" }));
        })()
      : Promise.resolve(`/assets/layout-worker.js?token=${encodeURIComponent(G.token ?? "")}`);
    return workerUrl;
  }

  async function startWorker() {
    if (worker || workerFailed) return;
    try {
      const url = await workerScript();
      // Another layout started it while this one waited for the script.
      if (worker || workerFailed) return;
      worker = new Worker(url);
      worker.onmessage = (m) => {
        const w = waiting.get(m.data.id);
        if (!w) return;
        waiting.delete(m.data.id);
        clearTimeout(w.timer);
        if (m.data.error) w.reject(new Error(m.data.error));
        else w.resolve(m.data.graph);
      };
      worker.onerror = (e) => {
        workerFailed = e.message || "the layout worker failed to start";
        for (const w of waiting.values()) w.reject(new Error(workerFailed));
        waiting.clear();
        e.preventDefault?.();
      };
    } catch (error) {
      workerFailed = messageOf(error);
    }
  }

  /**
   * @param {GroveElkNode} graph
   * @param {{ timeoutMs?: number }} options
   * @returns {Promise<GroveElkNode>}
   */
  async function elkLayout(graph, options) {
    await startWorker();
    if (workerFailed) throw new Error(workerFailed);
    const id = nextId++;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        waiting.delete(id);
        // A stuck layout would block every later one: start a fresh worker next time.
        worker?.terminate();
        worker = null;
        reject(new Error(`layout took longer than ${TIMEOUT_MS / 1000} s`));
      }, options.timeoutMs ?? TIMEOUT_MS);
      waiting.set(id, { resolve, reject, timer });
      worker?.postMessage({ id, graph });
    });
  }

  /**
   * @param {GroveGraph} g
   * @param {string} direction
   * @returns {GroveElkNode}
   */
  function toElk(g, direction) {
    /** @type {Map<string, GroveElkNode[]>} */
    const byGroup = new Map(g.groups.map((gr) => [gr.id, []]));
    /** @type {GroveElkNode[]} */
    const top = [];
    for (const n of g.nodes) {
      const node = { id: n.id, width: n.w, height: n.h };
      const group = n.group === undefined ? undefined : byGroup.get(n.group);
      if (group) group.push(node);
      else top.push(node);
    }
    for (const gr of g.groups) top.push({ id: gr.id, children: byGroup.get(gr.id), layoutOptions: { "elk.padding": "[top=26,left=10,bottom=10,right=10]" } });
    return {
      id: "root",
      layoutOptions: {
        "elk.algorithm": "layered",
        "elk.direction": direction,
        "elk.hierarchyHandling": "INCLUDE_CHILDREN",
        "elk.layered.spacing.nodeNodeBetweenLayers": "40",
        "elk.spacing.nodeNode": "14",
        "elk.spacing.edgeLabel": "2",
        "elk.edgeLabels.inline": "false",
      },
      children: top,
      edges: g.edges.map((e) => ({ id: e.id, sources: [e.source], targets: [e.target], ...(e.label ? { labels: [{ text: e.label, width: e.label.length * 6.6 + 4, height: 14 }] } : {}) })),
    };
  }

  /**
   * @param {GroveElkNode} out
   * @returns {GroveLayout}
   */
  function fromElk(out) {
    /** @type {Map<string, GroveBox>} */
    const nodes = new Map();
    /** @type {Map<string, GroveBox>} */
    const groups = new Map();
    /** @type {Map<string, [number, number]>} */
    const offsets = new Map([["root", [0, 0]]]);
    /**
     * @param {GroveElkNode} n
     * @param {number} ox
     * @param {number} oy
     * @param {boolean} isGroup
     */
    const visit = (n, ox, oy, isGroup) => {
      const x = ox + (n.x ?? 0);
      const y = oy + (n.y ?? 0);
      offsets.set(n.id, [x, y]);
      (isGroup ? groups : nodes).set(n.id, { x, y, w: n.width ?? 0, h: n.height ?? 0 });
      for (const c of n.children ?? []) visit(c, x, y, (c.children ?? []).length > 0);
    };
    for (const c of out.children ?? []) visit(c, 0, 0, (c.children ?? []).length > 0);
    const edges = (out.edges ?? []).map((e) => {
      const [ox, oy] = offsets.get(e.container ?? "root") ?? [0, 0];
      const s = e.sections?.[0];
      const pts = s ? [s.startPoint, ...(s.bendPoints ?? []), s.endPoint].map((p) => ({ x: p.x + ox, y: p.y + oy })) : [];
      const l = e.labels?.[0];
      return { id: e.id, points: pts, ...(l ? { label: { text: l.text, x: (l.x ?? 0) + ox, y: (l.y ?? 0) + oy } } : {}) };
    });
    // The extent of what was placed (elk's own width can leave out a compound's overhang).
    let width = out.width ?? 0;
    let height = out.height ?? 0;
    for (const b of [...nodes.values(), ...groups.values()]) {
      width = Math.max(width, b.x + b.w + 10);
      height = Math.max(height, b.y + b.h + 10);
    }
    return { nodes, groups, edges, width, height };
  }

  /** Layered columns by dependency depth, one band per group: cannot fail, linear time. */
  G.plainLayout = (g, direction = "RIGHT") => {
    const GAP_X = 40;
    const GAP_Y = 12;
    const ids = new Set(g.nodes.map((n) => n.id));
    /** @type {Map<string, string[]>} each node's dependencies */
    const deps = new Map(g.nodes.map((n) => [n.id, []]));
    for (const e of g.edges) if (ids.has(e.source) && ids.has(e.target)) deps.get(e.target)?.push(e.source);
    /** @type {Map<string, number>} */
    const depth = new Map();
    /** @param {string} id */
    const depthOf = (id) => {
      // Iterative, so a long chain cannot overflow the stack; a cycle (never in a plan) counts as 0.
      const stack = [id];
      while (stack.length) {
        const cur = /** @type {string} */ (stack[stack.length - 1]);
        if (depth.has(cur)) {
          stack.pop();
          continue;
        }
        const pending = (deps.get(cur) ?? []).filter((d) => !depth.has(d) && !stack.includes(d));
        if (pending.length) stack.push(...pending);
        else {
          depth.set(cur, Math.max(-1, ...(deps.get(cur) ?? []).map((d) => depth.get(d) ?? -1)) + 1);
          stack.pop();
        }
      }
      return depth.get(id) ?? 0;
    };
    /** @type {Map<string, GroveGraph["nodes"]>} the nodes of each group ("" for none) */
    const bands = new Map();
    for (const n of g.nodes) {
      const key = n.group ?? "";
      const band = bands.get(key) ?? [];
      band.push(n);
      bands.set(key, band);
    }
    /** @type {Map<string, GroveBox>} */
    const nodes = new Map();
    /** @type {Map<string, GroveBox>} */
    const groups = new Map();
    const colW = Math.max(...g.nodes.map((n) => n.w), 40) + GAP_X;
    let y = 10;
    let width = 0;
    for (const [key, members] of bands) {
      const top = y;
      y += key ? 26 : 0;
      /** @type {Map<number, number>} how many nodes each depth has so far */
      const rows = new Map();
      for (const n of members) {
        const d = depthOf(n.id);
        const r = rows.get(d) ?? 0;
        rows.set(d, r + 1);
        const pos = direction === "RIGHT" ? { x: 20 + d * colW, y: y + r * (n.h + GAP_Y) } : { x: 20 + r * (n.w + GAP_X), y: y + d * (n.h + GAP_X) };
        nodes.set(n.id, { ...pos, w: n.w, h: n.h });
        width = Math.max(width, pos.x + n.w + 20);
      }
      const h = Math.max(...members.map((n) => (nodes.get(n.id)?.y ?? top) + n.h)) - top + 10;
      if (key) groups.set(key, { x: 10, y: top, w: 0, h });
      y = top + h + 16;
    }
    for (const gr of groups.values()) gr.w = width - 10;
    /** @type {GroveLayout["edges"]} */
    const edges = [];
    for (const e of g.edges) {
      const a = nodes.get(e.source);
      const b = nodes.get(e.target);
      if (a && b)
        edges.push({ id: e.id, points: [{ x: a.x + a.w, y: a.y + a.h / 2 }, { x: b.x, y: b.y + b.h / 2 }], ...(e.label ? { label: { text: e.label, x: (a.x + a.w + b.x) / 2, y: (a.y + b.y + a.h) / 2 } } : {}) });
    }
    return { nodes, groups, edges, width, height: y };
  };

  /** A path from the right side of one box to the left side of another (edges between lanes). */
  const bridge = (/** @type {GroveBox} */ a, /** @type {GroveBox} */ b) => [{ x: a.x + a.w, y: a.y + a.h / 2 }, { x: b.x, y: b.y + b.h / 2 }];

  /**
   * One group (a worktree) at a time through elkjs, the groups stacked as lanes, edges between lanes
   * drawn from box to box. Layered layout across groups would spread the lanes side by side.
   * @param {GroveGraph} g
   * @param {string} direction
   * @param {{ timeoutMs?: number }} options
   * @returns {Promise<GroveLayoutResult>}
   */
  async function lanes(g, direction, options) {
    /** @type {Map<string | undefined, GroveGraph["nodes"]>} */
    const members = new Map(g.groups.map((gr) => [gr.id, []]));
    for (const n of g.nodes) members.get(n.group)?.push(n);
    const groupOf = new Map(g.nodes.map((n) => [n.id, n.group]));
    const parts = await Promise.all(
      g.groups.map(async (gr) => {
        const mine = members.get(gr.id) ?? [];
        const ids = new Set(mine.map((n) => n.id));
        /** @type {GroveGraph} */
        const sub = { nodes: mine.map((n) => ({ ...n, group: undefined })), groups: [], edges: g.edges.filter((e) => ids.has(e.source) && ids.has(e.target)) };
        try {
          return { gr, layout: fromElk(await elkLayout(toElk(sub, direction), options)), fallback: null };
        } catch (error) {
          return { gr, layout: G.plainLayout(sub, direction), fallback: messageOf(error) };
        }
      }),
    );
    /** @type {GroveLayout["nodes"]} */
    const nodes = new Map();
    /** @type {GroveLayout["groups"]} */
    const groups = new Map();
    /** @type {GroveLayout["edges"]} */
    const edges = [];
    let y = 10;
    let width = 0;
    for (const { gr, layout } of parts) {
      const dx = 20;
      const dy = y + 26;
      for (const [id, n] of layout.nodes) nodes.set(id, { ...n, x: n.x + dx, y: n.y + dy });
      for (const e of layout.edges) edges.push({ ...e, points: e.points.map((p) => ({ x: p.x + dx, y: p.y + dy })), ...(e.label ? { label: { ...e.label, x: e.label.x + dx, y: e.label.y + dy } } : {}) });
      groups.set(gr.id, { x: 10, y, w: layout.width + 20, h: layout.height + 36 });
      width = Math.max(width, layout.width + 40);
      y += layout.height + 36 + 16;
    }
    for (const gr of groups.values()) gr.w = width - 20;
    for (const e of g.edges)
      if (groupOf.get(e.source) !== groupOf.get(e.target)) {
        const [a, b] = [nodes.get(e.source), nodes.get(e.target)];
        if (a && b) edges.push({ id: e.id, points: bridge(a, b), between: true });
      }
    const fallback = parts.map((p) => p.fallback).find(Boolean) ?? null;
    return { layout: { nodes, groups, edges, width, height: y }, fallback };
  }

  /**
   * Lays out with elkjs in the worker; on any failure or timeout uses the plain layout.
   * Resolves with { layout, fallback: null | "why" }; never rejects.
   */
  G.layout = async (g, options = {}) => {
    const direction = options.direction ?? "RIGHT";
    try {
      if (options.lanes && g.groups.length > 1) return await lanes(g, direction, options);
      return { layout: fromElk(await elkLayout(toElk(g, direction), options)), fallback: null };
    } catch (error) {
      try {
        return { layout: G.plainLayout(g, direction), fallback: messageOf(error) };
      } catch (plainError) {
        return { layout: null, fallback: `${messageOf(error)}; plain layout failed too: ${messageOf(plainError)}` };
      }
    }
  };
})();
