// @ts-check
// Grove inspector: boots the page (the embedded run of the offline report, or the live server's
// definitions and Server-Sent Events), owns the header, the tabs, the selection (mirrored in the URL
// fragment) and one render per animation frame for whatever changed. Nothing here writes anything.
(() => {
  "use strict";
  const G = window.Grove;
  const { $, el } = G;
  G.token = document.querySelector('meta[name="grove-token"]')?.getAttribute("content") ?? "";
  const embedded = document.getElementById("grove-data");

  /**
   * The page's state, made once the run's definitions are in (start): nothing below runs before.
   * @type {GroveCtx}
   */
  let ctx;

  /**
   * @param {string} text
   * @param {string} [kind]
   */
  function banner(text, kind = "info") {
    const b = $("banner");
    b.hidden = false;
    b.className = kind;
    b.textContent = text;
  }
  G.banner = banner;
  window.addEventListener("error", (e) => banner(`The inspector hit an error: ${e.message}. The recording is intact; reload to try again.`, "error"));
  window.addEventListener("unhandledrejection", (e) => banner(`The inspector hit an error: ${e.reason?.message ?? e.reason}`, "error"));

  function drawCounts() {
    const counts = ctx.store.counts(ctx.st);
    const c = $("counts");
    if (c.childElementCount === 0)
      for (const s of G.STATUSES) {
        const item = el("span", { "data-count": s, class: `count s-${s}` });
        item.append(el("i", { class: "swatch", "aria-hidden": "true" }), el("span", { class: "label" }, s), el("b", {}, "0"));
        c.append(item);
      }
    // Always every status, in one order: counts never jump around as statuses appear.
    for (const item of c.children) {
      const n = counts[item.getAttribute("data-count") ?? ""] ?? 0;
      if (item.lastElementChild) G.setText(item.lastElementChild, String(n));
      item.classList.toggle("zero", n === 0);
    }
  }

  function updateClock() {
    const s = ctx.store;
    const scrub = $("scrub");
    if (scrub.min !== String(s.t0)) scrub.min = String(s.t0);
    if (scrub.max !== String(s.tEnd)) scrub.max = String(s.tEnd);
    if (ctx.following && scrub.value !== String(s.tEnd)) scrub.value = String(s.tEnd);
    ctx.t = ctx.following ? s.tEnd : Number(scrub.value);
    G.setText($("clock"), `${G.seconds(ctx.t - s.t0)} / ${G.seconds(s.tEnd - s.t0)}`);
    G.setText($("mode"), ctx.live && !s.finished ? "live" : "replay");
  }

  /** @type {string[] | null} the statuses drawn last, while scrubbing */
  let previousStatus = null;
  let frameQueued = false;
  let lastFrame = 0;
  const LIVE_FRAME_MS = 1000;
  let fullRedraw = true;
  function frame() {
    frameQueued = false;
    lastFrame = performance.now();
    const s = ctx.store;
    updateClock();
    /** @type {GroveDirty} */
    let dirty;
    if (ctx.following) {
      dirty = s.takeDirty();
      ctx.st = s;
      if (previousStatus) for (let i = 0; i < previousStatus.length; i++) if (previousStatus[i] !== s.status[i]) dirty.scenarios.add(i);
      previousStatus = null;
    } else {
      s.takeDirty();
      const st = s.stateAt(ctx.t);
      const before = previousStatus ?? ctx.st.status;
      dirty = { scenarios: new Set(), worktrees: new Set(st.worktrees.keys()), attempts: true };
      for (let i = 0; i < st.status.length; i++) if (before[i] !== st.status[i]) dirty.scenarios.add(i);
      ctx.st = st;
      previousStatus = st.status.slice();
    }
    dirty.full = fullRedraw;
    fullRedraw = false;
    drawCounts();
    G.views[ctx.tab ?? ""]?.update?.(ctx, dirty);
    G.detail.update(ctx, dirty);
  }
  /**
   * One render per animation frame at most; while following a live run, at most one every
   * LIVE_FRAME_MS: the run shares the machine with this page (every frame is style, layout and paint
   * in the browser's processes, measured in bench/inspector.ts), and a glance needs no 60 fps.
   */
  function schedule(full = false) {
    if (full) fullRedraw = true;
    if (frameQueued) return;
    frameQueued = true;
    const wait = ctx.live && ctx.following && !full ? LIVE_FRAME_MS - (performance.now() - lastFrame) : 0;
    if (wait > 0) setTimeout(() => requestAnimationFrame(frame), wait);
    else requestAnimationFrame(frame);
  }

  /** @param {string} name */
  function showTab(name) {
    if (ctx.tab === name) return;
    ctx.tab = name;
    for (const b of document.querySelectorAll("#tabs [role=tab]")) b.setAttribute("aria-selected", String(b.getAttribute("data-tab") === name));
    for (const v of document.querySelectorAll(".view")) v.toggleAttribute("hidden", v.id !== `${name}-view`);
    G.views[name]?.show?.(ctx);
    schedule(true);
  }

  /**
   * @param {GroveSelection | null} sel
   * @param {{ fromHash?: boolean }} [options]
   */
  function select(sel, { fromHash = false } = {}) {
    ctx.selected = sel;
    if (!fromHash) {
      const hash = sel ? `#${sel.kind}=${encodeURIComponent(sel.name)}` : " ";
      history.replaceState(null, "", hash === " " ? location.pathname + location.search : hash);
    }
    G.detail.open(ctx);
    G.views[ctx.tab ?? ""]?.selectionChanged?.(ctx);
    schedule();
  }
  function selectFromHash() {
    const m = /^#(scenario|worktree)=(.*)$/.exec(location.hash);
    if (!m) return;
    const name = decodeURIComponent(m[2] ?? "");
    const kind = m[1] === "scenario" ? "scenario" : "worktree";
    const known = kind === "scenario" ? ctx.store.index.has(name) : ctx.store.worktrees.has(name);
    if (known) select({ kind, name }, { fromHash: true });
  }

  async function start() {
    // The run's definitions and lines are the recorder's formats, trusted as written (src/inspector).
    /** @type {unknown[]} */
    let initial = [];
    /** @type {GroveDefs} */
    let defs;
    if (embedded) {
      const data = /** @type {{ definitions: GroveDefs, lines: unknown[] }} */ (JSON.parse(embedded.textContent ?? ""));
      defs = data.definitions;
      initial = data.lines;
    } else {
      // Definitions and everything recorded so far in two plain fetches; the stream goes on from there.
      /**
       * @param {string} what
       * @returns {Promise<unknown>}
       */
      const get = async (what) => {
        const r = await fetch(`/api/${what}?token=${encodeURIComponent(G.token)}`);
        if (!r.ok) throw new Error(`the server refused the run's ${what} (${r.status})`);
        return r.json();
      };
      const [d, l] = await Promise.all([get("definitions"), get("lines")]);
      defs = /** @type {GroveDefs} */ (d);
      initial = /** @type {unknown[]} */ (l);
    }
    const store = G.createStore(defs);
    ctx = {
      store,
      st: store,
      t: 0,
      following: true,
      live: !embedded,
      tab: null,
      selected: null,
      select: (sel, options = {}) => select(sel, options),
      showTab: (name) => showTab(name),
      schedule: () => schedule(),
    };
    G.ctx = ctx;
    const decode = G.createDecoder();
    /** @param {unknown} raw */
    const append = (raw) => {
      const line = decode(raw);
      if (line) ctx.store.append(line);
    };
    for (const raw of initial) append(raw);
    $("run-id").textContent = defs.runId;
    document.title = `Grove ${defs.runId}`;
    for (const view of Object.values(G.views)) view.mount?.(ctx);
    G.detail.mount(ctx);
    for (const b of document.querySelectorAll("#tabs [role=tab]")) b.addEventListener("click", () => showTab(b.getAttribute("data-tab") ?? ""));
    $("scrub").addEventListener("input", () => {
      ctx.following = Number($("scrub").value) >= Number($("scrub").max);
      schedule();
    });
    // Small runs open on the whole graph; large ones on the run at a glance.
    showTab(defs.scenarios.length <= G.GRAPH_ALL_LIMIT ? "graph" : "overview");
    selectFromHash();
    window.addEventListener("hashchange", selectFromHash);
    frame();
    // For bench/inspector.ts: milliseconds from navigation to the first render, painted.
    requestAnimationFrame(() => setTimeout(() => (G.caughtUpAt = performance.now())));
    // A replay: lay the statecharts out while the user looks (a live run keeps the CPU for itself).
    if (embedded || ctx.store.finished) (window.requestIdleCallback ?? setTimeout)(() => G.detail.prepare(ctx));
    if (embedded) return;
    await new Promise((resolve) => {
      const source = new EventSource(`/api/events?token=${encodeURIComponent(G.token)}&from=${initial.length}`);
      let ended = false;
      source.onmessage = (m) => {
        for (const raw of JSON.parse(m.data)) append(raw);
        schedule();
      };
      source.addEventListener("caught-up", () => schedule());
      source.addEventListener("end", (m) => {
        ended = true;
        source.close();
        const wasLive = JSON.parse(/** @type {MessageEvent<string>} */ (m).data || "{}").live === true;
        ctx.live = false;
        const command = `grove inspect ${defs.replay ?? defs.runId}`;
        if (wasLive) {
          banner(`The run has finished and its live server has stopped; this page keeps the final state. To replay it: ${command}`);
          console.info(`Grove: the run has finished. Replay it with: ${command}`);
        }
        // Everything once more: what a live page draws only every few seconds is final now.
        schedule(true);
        resolve(undefined);
      });
      source.onerror = () => {
        if (ended) return;
        if (source.readyState === EventSource.CLOSED) {
          banner(`Lost the live server (the run may have ended). Replay it with: grove inspect ${defs.replay ?? defs.runId}`, "error");
          resolve(undefined);
        }
      };
      // The page is usable now; the promise only tells tests the stream has started.
      resolve(undefined);
    });
  }

  const ready = start().catch((error) => {
    banner(`The inspector could not load this run: ${error?.message ?? error}`, "error");
    throw error;
  });
  window.groveInspector = {
    ready,
    select: (kind, name) => select({ kind, name }),
    get ctx() {
      return ctx;
    },
  };
})();
