// biome-ignore-all lint/suspicious/noExplicitAny: the recorded run (store, context, layouts) stays loose here, see below
// Types for the inspector's classic scripts (checked by tsconfig.assets.json, never shipped as code):
// the namespace they share on window.Grove, each part added by the file named beside it. The run's
// recorded shapes stay loose (`any`): they are the recorder's NDJSON, validated where it is written.

/** One view of the page (overview.js, table.js, graph.js, timeline.js): mounted once, updated per frame. */
interface GroveView {
  mount?(ctx: any): void;
  show?(ctx: any): void;
  update?(ctx: any, dirty: any): void;
  [more: string]: any;
}

/** A graph to lay out (layout.js): nodes with sizes, optional groups, edges between node ids. */
interface GroveGraph {
  nodes: { id: string; w: number; h: number; group?: string; [more: string]: any }[];
  edges: { id: string; source: string; target: string; label?: string; [more: string]: any }[];
  groups: { id: string; [more: string]: any }[];
}

interface GroveNamespace {
  // app.js
  token: string;
  ctx: any;
  banner(text: string, kind?: string): void;
  caughtUpAt?: number;
  // recording.js
  /** A reader of the recording's lines (either version), each in order, into fold.js's shape; null for a definition. */
  createDecoder(): (raw: unknown) => object | null;
  // fold.js
  STATUSES: string[];
  BAD: Set<string>;
  RANK: Record<string, number>;
  leafPath(value: unknown): string;
  createStore(defs: any): any;
  // ui.js
  /** An element of index.html by id; the ids of inputs, selects and the canvas give their own types. */
  $(id: "scrub" | "search"): HTMLInputElement;
  $(id: "f-status" | "f-worktree" | "f-tag" | "g-scope"): HTMLSelectElement;
  $(id: "gantt"): HTMLCanvasElement;
  $(id: string): HTMLElement;
  el(tag: string, attrs?: Record<string, unknown>, text?: unknown): HTMLElement | SVGElement;
  stripAnsi(s: unknown): string;
  /** Sets text only when it differs. */
  setText(node: Node, text: string): void;
  clip(s: string, n: number): string;
  seconds(ms: number): string;
  activate(node: HTMLElement | SVGElement, fn: (e: Event) => void): void;
  views: Record<string, GroveView>;
  // layout.js
  plainLayout(g: GroveGraph, direction?: string): any;
  layout(g: GroveGraph, options?: { direction?: string; lanes?: boolean; [more: string]: any }): Promise<{ layout: any; fallback: string | null }>;
  // graph.js
  GRAPH_ALL_LIMIT: number;
  // detail.js
  detail: { mount(ctx: any): void; open(ctx: any): void; update(ctx: any, dirty: any): void; prepare(ctx: any): void };
}

interface Window {
  Grove: GroveNamespace;
  /** What the browser tests and bench/inspector.ts wait on (app.js). */
  groveInspector: { ready: Promise<void>; select(kind: string, name: string): void; ctx: any };
}
