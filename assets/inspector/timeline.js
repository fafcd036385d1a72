// @ts-check
// Grove inspector: the timeline. One lane per real worker slot (recorded with each attempt), a time
// axis over the whole recording (so it stays put while scrubbing), each bar labelled with its
// scenario and worktree where the label fits (labels never overlap: bars in a lane do not), the
// critical path outlined, and a cursor at the moment shown. Zoom (wheel, +/−, Fit) and pan (drag)
// change only the window of time shown. Drawn on a canvas: 10,000 bars stay cheap.
(() => {
  "use strict";
  const G = window.Grove;
  const { $ } = G;
  const LANE = 26;
  const LEFT = 64;
  const TOP = 24;
  /** The bars as last drawn, for finding the one under the pointer. */
  /** @type {{ x: number, y: number, w: number, a: GroveAttempt }[]} */
  let bars = [];
  let lastDraw = 0;
  let pending = false;
  const MAX_ZOOM = 1000;
  /** The window shown: the whole run at zoom 1, else `span / zoom` milliseconds from `from` (ms after t0). */
  const view = { zoom: 1, from: 0 };
  /** The canvas's plot area, as last drawn: for turning a pointer position into a time. */
  let plot = { left: LEFT, width: 1, span: 1 };

  /** @param {string} name a CSS custom property of the page, without its `--` */
  const color = (name) => getComputedStyle(document.documentElement).getPropertyValue(`--${name}`).trim() || "#888";

  /**
   * Lanes: the recorded slot; recordings without one get the first lane free at the attempt's start.
   * @param {GroveAttempt[]} attempts
   */
  function lanes(attempts) {
    /** @type {number[]} the end of the last attempt in each lane */
    const ends = [];
    let max = 0;
    for (const a of [...attempts].sort((x, y) => x.start - y.start)) {
      if (a.slot) a.lane = a.slot - 1;
      else {
        let lane = ends.findIndex((end) => end <= a.start);
        if (lane === -1) lane = ends.length;
        ends[lane] = a.end ?? Number.POSITIVE_INFINITY;
        a.lane = lane;
      }
      max = Math.max(max, (a.lane ?? 0) + 1);
    }
    return max;
  }

  /**
   * @param {number} span milliseconds shown
   * @param {number} px pixels they are shown on
   */
  function niceStep(span, px) {
    const target = (span / px) * 90;
    const steps = [10, 20, 50, 100, 200, 500, 1000, 2000, 5000, 10_000, 15_000, 30_000, 60_000, 120_000, 300_000, 600_000, 1_800_000, 3_600_000];
    return steps.find((s) => s >= target) ?? steps[steps.length - 1];
  }

  /** @param {GroveCtx} ctx */
  function draw(ctx) {
    const { store } = ctx;
    const canvas = $("gantt");
    const width = Math.max(400, (canvas.parentElement?.clientWidth ?? 424) - 24);
    const attempts = store.attempts;
    const laneCount = Math.max(1, store.workers, lanes(attempts));
    const height = TOP + laneCount * LANE + 8;
    const dpr = window.devicePixelRatio || 1;
    canvas.width = width * dpr;
    canvas.height = height * dpr;
    canvas.style.width = `${width}px`;
    canvas.style.height = `${height}px`;
    const g = canvas.getContext("2d");
    if (!g) return;
    g.scale(dpr, dpr);
    g.clearRect(0, 0, width, height);
    const total = Math.max(1, store.tEnd - store.t0);
    const span = total / view.zoom;
    view.from = Math.min(Math.max(0, view.from), total - span);
    const t0 = store.t0 + view.from;
    plot = { left: LEFT, width: width - LEFT - 10, span };
    const x = (/** @type {number} */ t) => LEFT + ((t - t0) / span) * (width - LEFT - 10);
    g.font = "12px system-ui, sans-serif";
    g.textBaseline = "middle";
    // Axis.
    const step = niceStep(span, width - LEFT);
    g.fillStyle = color("muted");
    g.strokeStyle = color("line");
    for (let s = Math.ceil(view.from / step) * step; s <= view.from + span; s += step) {
      const px = x(store.t0 + s);
      g.fillRect(px, TOP - 6, 1, 4);
      g.fillText(G.seconds(s), px + 2, 9);
      g.globalAlpha = 0.35;
      g.fillRect(px, TOP, 1, height - TOP);
      g.globalAlpha = 1;
    }
    const critical = new Set(store.criticalPath(ctx.t).map((i) => store.defs.scenarios[i].name));
    bars = [];
    const windowEnd = t0 + span;
    for (const a of attempts) {
      if (a.start > ctx.t || a.start > windowEnd) continue;
      const end = a.end !== null && a.end <= ctx.t ? a.end : ctx.t;
      if (end < t0) continue;
      const status = a.end !== null && a.end <= ctx.t ? a.status : "running";
      // Clipped to the plot: a bar that starts before the window starts at its left edge.
      const bx = Math.max(LEFT, x(a.start));
      const bw = Math.max(2, Math.min(x(end), LEFT + plot.width) - bx);
      const by = TOP + (a.lane ?? 0) * LANE + 3;
      g.fillStyle = color(status);
      g.fillRect(bx, by, bw, LANE - 6);
      if (critical.has(a.name)) {
        g.strokeStyle = "#ffffff";
        g.lineWidth = 2;
        g.strokeRect(bx + 1, by + 1, bw - 2, LANE - 8);
      }
      bars.push({ x: bx, y: by, w: bw, a });
      // The label only where it fits inside its bar.
      const full = `${a.name} · ${a.worktree}`;
      const label = g.measureText(full).width + 8 <= bw ? full : g.measureText(a.name).width + 8 <= bw ? a.name : null;
      if (label) {
        g.fillStyle = "#ffffff";
        g.fillText(label, bx + 4, by + (LANE - 6) / 2);
      }
    }
    // Lane names over anything clipped at the left edge.
    g.fillStyle = color("card");
    g.fillRect(0, TOP, LEFT - 1, height - TOP);
    g.fillStyle = color("muted");
    for (let l = 0; l < laneCount; l++) g.fillText(`slot ${l + 1}`, 6, TOP + l * LANE + LANE / 2);
    // The moment shown, when it is in the window.
    if (ctx.t >= t0 && ctx.t <= windowEnd) {
      g.fillStyle = "#ffffff";
      g.fillRect(x(ctx.t), TOP - 4, 1.5, height - TOP + 4);
    }
    const fit = /** @type {HTMLButtonElement} */ ($("t-fit"));
    fit.disabled = view.zoom === 1;
  }

  /**
   * Zooms by `factor`, keeping the time under `px` (a canvas x; the middle when absent) in place.
   * @param {GroveCtx} ctx
   * @param {number} factor
   * @param {number} [px]
   */
  function zoom(ctx, factor, px) {
    const at = px === undefined ? plot.left + plot.width / 2 : px;
    const frac = Math.min(1, Math.max(0, (at - plot.left) / plot.width));
    const pinned = view.from + frac * plot.span;
    view.zoom = Math.min(MAX_ZOOM, Math.max(1, view.zoom * factor));
    const total = Math.max(1, ctx.store.tEnd - ctx.store.t0);
    view.from = pinned - frac * (total / view.zoom);
    draw(ctx);
  }

  /** @param {MouseEvent} e */
  function barAt(e) {
    const r = $("gantt").getBoundingClientRect();
    const px = e.clientX - r.left;
    const py = e.clientY - r.top;
    return bars.find((b) => px >= b.x && px <= b.x + b.w && py >= b.y && py <= b.y + LANE - 6);
  }

  /** @param {GroveCtx} ctx */
  function mount(ctx) {
    const canvas = $("gantt");
    canvas.addEventListener("click", (e) => {
      if (canvas.dataset.dragged) {
        delete canvas.dataset.dragged;
        return;
      }
      const b = barAt(e);
      if (b) ctx.select({ kind: "scenario", name: b.a.name });
    });
    canvas.addEventListener("mousemove", (e) => {
      const b = barAt(e);
      canvas.title = b ? `${b.a.name} (${b.a.worktree}) attempt ${b.a.attempt}, slot ${b.a.slot || "?"}: ${b.a.status}` : "";
      canvas.style.cursor = b ? "pointer" : "default";
    });
    window.addEventListener("resize", () => ctx.tab === "timeline" && draw(ctx));
    $("t-in").addEventListener("click", () => zoom(ctx, 2));
    $("t-out").addEventListener("click", () => zoom(ctx, 0.5));
    $("t-fit").addEventListener("click", () => zoom(ctx, 1 / view.zoom));
    canvas.addEventListener(
      "wheel",
      (e) => {
        e.preventDefault();
        zoom(ctx, e.deltaY < 0 ? 1.25 : 0.8, e.clientX - canvas.getBoundingClientRect().left);
      },
      { passive: false },
    );
    /** @type {{ x: number, from: number, moved: boolean } | null} */
    let drag = null;
    canvas.addEventListener("pointerdown", (e) => {
      if (view.zoom > 1) drag = { x: e.clientX, from: view.from, moved: false };
    });
    window.addEventListener("pointermove", (e) => {
      if (!drag) return;
      if (Math.abs(e.clientX - drag.x) > 3) drag.moved = true;
      view.from = drag.from - ((e.clientX - drag.x) / plot.width) * plot.span;
      draw(ctx);
    });
    window.addEventListener("pointerup", () => {
      // A drag is not a click on the bar it ends over.
      if (drag?.moved) canvas.dataset.dragged = "1";
      drag = null;
    });
  }

  /** @param {GroveCtx} ctx @param {GroveDirty} dirty */
  function update(ctx, dirty) {
    const now = performance.now();
    if (dirty.attempts) pending = true;
    if (!dirty.full && ctx.following && !pending) return;
    // Live: redraw at most 4 times a second; scrubbing redraws every frame.
    if (!dirty.full && ctx.following && now - lastDraw < 250) {
      setTimeout(() => ctx.schedule(), 260);
      return;
    }
    lastDraw = now;
    pending = false;
    draw(ctx);
  }

  G.views.timeline = { mount, update };
})();
