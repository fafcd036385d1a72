// Types for the inspector's classic scripts (checked, strict, by tsconfig.assets.json; never shipped as
// code): the namespace they share on window.Grove, each part added by the file named beside it, and the
// shapes they pass between them. Grove's events are the recorder's own types (src/events.ts, which
// imports nothing); the page reads them without `at`, which it never uses.

type GroveEvent = import("../../src/events.js").GroveEvent;
type GroveScenarioResult = import("../../src/events.js").ScenarioResult;

/** A compiled machine as the recorder describes it (src/inspector/describe-machine.ts). */
interface GroveMachine {
  id: string;
  initial: string;
  states: GroveMachineState[];
  transitions: { source: string; targets: string[]; event: string; guard?: string }[];
}
interface GroveMachineState {
  /** Dotted path from the root ("" for the root). */
  path: string;
  parent: string | null;
  type: string;
  description?: string;
  meta?: { step?: string };
}

/** The run's definitions (machines.json, src/inspector/recorder.ts RunDefinitions). */
interface GroveDefs {
  runId: string;
  /** `grove inspect`'s argument that replays the run (its id, or its --run-dir path); absent in older recordings. */
  replay?: string;
  scenarioMachine: GroveMachine;
  worktreeMachine: GroveMachine;
  scenarios: { name: string; worktree: string; dependencies: string[]; description?: string; tags?: string[] }[];
  worktrees: string[];
}

/** One recorded line as fold.js folds it (recording.js decodes either version into it). */
type GroveLine =
  | { t: number; k: "grove"; e: GroveEvent }
  | { t: number; k: "actor"; a: string }
  | { t: number; k: "event"; a: string; ev: string }
  | { t: number; k: "state"; a: string; v: unknown; s: string; x?: string[] | null };

interface GroveWorktreeState {
  state: string;
  detail: string;
}

/** Every scenario's status and detail (by index) and every worktree's state, at one moment. */
interface GroveState {
  status: string[];
  detail: string[];
  worktrees: Map<string, GroveWorktreeState>;
}

/** One attempt as the timeline and detail show it; `lane` is the timeline's row. */
interface GroveAttempt {
  name: string;
  worktree: string;
  attempt: number;
  slot: number;
  start: number;
  end: number | null;
  status: string;
  command: string[];
  logPath: string;
  lane?: number;
}

/** One actor's states entered (leaf paths, with the transitions taken) and events received. */
interface GroveActorHistory {
  path: { t: number; p: string; x: string[] | null }[];
  events: { t: number; ev: string }[];
}

/** A status change: time, scenario index (-1 for a worktree), worktree name, status, detail. */
type GroveStatusEntry = [t: number, scenario: number, worktree: string, status: string, detail: string];

/** What changed since the last frame. */
interface GroveDirty {
  scenarios: Set<number>;
  worktrees: Set<string>;
  attempts: boolean;
  full?: boolean;
}

/** fold.js's store: the latest state (as a GroveState) and what it was folded from. */
interface GroveStore extends GroveState {
  defs: GroveDefs;
  index: Map<string, number>;
  level: Int32Array;
  order: number[];
  dependents: number[][];
  lineCount: number;
  statusLog: GroveStatusEntry[];
  actors: Map<string, GroveActorHistory>;
  attempts: GroveAttempt[];
  results: Map<string, GroveScenarioResult>;
  snapshots: (GroveState & { at: number })[];
  workers: number;
  t0: number;
  tEnd: number;
  finished: boolean;
  dirty: Set<number>;
  dirtyWorktrees: Set<string>;
  dirtyAttempts: boolean;
  append(line: GroveLine): void;
  stateAt(t: number): GroveState;
  counts(st: GroveState): Record<string, number>;
  criticalPath(now: number): number[];
  takeDirty(): GroveDirty;
}

interface GroveSelection {
  kind: "scenario" | "worktree";
  name: string;
}

/** The page's state (app.js), handed to every view. */
interface GroveCtx {
  store: GroveStore;
  /** What is shown: the store itself when following the run, else the state of the scrubbed moment. */
  st: GroveState;
  t: number;
  following: boolean;
  live: boolean;
  tab: string | null;
  selected: GroveSelection | null;
  select(sel: GroveSelection | null, options?: { fromHash?: boolean }): void;
  showTab(name: string): void;
  schedule(): void;
}

/** One view of the page (overview.js, table.js, graph.js, timeline.js): mounted once, updated per frame. */
interface GroveView {
  mount?(ctx: GroveCtx): void;
  show?(ctx: GroveCtx): void;
  update?(ctx: GroveCtx, dirty: GroveDirty): void;
  selectionChanged?(ctx: GroveCtx): void;
  /** graph.js: show one scope ("all", "wt:<worktree>", "around:<scenario>"). */
  setScope?(ctx: GroveCtx, key: string): void;
}

/** A graph to lay out (layout.js): nodes with sizes, optional groups, edges between node ids. */
interface GroveGraph {
  nodes: { id: string; w: number; h: number; group?: string | undefined }[];
  edges: { id: string; source: string; target: string; label?: string; key?: string }[];
  groups: { id: string }[];
}

interface GroveBox {
  x: number;
  y: number;
  w: number;
  h: number;
}
interface GrovePoint {
  x: number;
  y: number;
}

/** A laid-out graph: boxes by id, edges as points (`between`: from one lane to another). */
interface GroveLayout {
  nodes: Map<string, GroveBox>;
  groups: Map<string, GroveBox>;
  edges: { id: string; points: GrovePoint[]; label?: { text: string; x: number; y: number }; between?: boolean }[];
  width: number;
  height: number;
}
interface GroveLayoutResult {
  layout: GroveLayout | null;
  /** Why the plain layout was used (or why there is none); null when elkjs laid it out. */
  fallback: string | null;
}

/** The part of an ELK graph layout.js builds and reads back (elkjs's ElkNode, ElkExtendedEdge). */
interface GroveElkNode {
  id: string;
  x?: number;
  y?: number;
  width?: number;
  height?: number;
  children?: GroveElkNode[];
  edges?: GroveElkEdge[];
  layoutOptions?: Record<string, string>;
}
interface GroveElkEdge {
  id: string;
  sources: string[];
  targets: string[];
  container?: string;
  labels?: { text: string; width?: number; height?: number; x?: number; y?: number }[];
  sections?: { startPoint: GrovePoint; endPoint: GrovePoint; bendPoints?: GrovePoint[] }[];
}

interface GroveNamespace {
  // app.js
  token: string;
  ctx: GroveCtx;
  banner(text: string, kind?: string): void;
  caughtUpAt?: number;
  // recording.js
  /** A reader of the recording's lines (either version), each in order, into fold.js's shape; null for a definition. */
  createDecoder(): (raw: unknown) => GroveLine | null;
  // fold.js
  STATUSES: string[];
  BAD: Set<string>;
  RANK: Record<string, number>;
  leafPath(value: unknown): string;
  createStore(defs: GroveDefs): GroveStore;
  // ui.js
  /** An element of index.html by id; the ids of inputs, selects, buttons and the canvas give their own types. */
  $(id: "scrub" | "search"): HTMLInputElement;
  $(id: "f-status" | "f-worktree" | "f-tag" | "g-scope"): HTMLSelectElement;
  $(id: "t-fit" | "t-in" | "t-out"): HTMLButtonElement;
  $(id: "gantt"): HTMLCanvasElement;
  $(id: "graph" | "chart" | "graph-viewport"): SVGElement;
  $(id: string): HTMLElement;
  el<T extends string>(tag: T, attrs?: Record<string, unknown>, text?: unknown): T extends `svg:${string}` ? SVGElement : HTMLElement;
  stripAnsi(s: unknown): string;
  /** shell-quote.js, made from src/util/shell-quote.ts: an argv as one line a shell reads back the same. */
  shellCommandLine(argv: readonly string[]): string;
  /** root-cause-text.js, made from src/util/root-cause-text.ts: a skip's root cause as its dependents' details say it. */
  rootCauseText(root: import("../../src/events.js").RootCause): string;
  /** Sets text only when it differs. */
  setText(node: Node, text: string): void;
  clip(s: string, n: number): string;
  seconds(ms: number): string;
  activate(node: HTMLElement | SVGElement, fn: (e: Event) => void): void;
  views: Record<string, GroveView>;
  // layout.js
  plainLayout(g: GroveGraph, direction?: string): GroveLayout;
  layout(g: GroveGraph, options?: { direction?: string; lanes?: boolean; timeoutMs?: number }): Promise<GroveLayoutResult>;
  // graph.js
  GRAPH_ALL_LIMIT: number;
  // detail.js
  detail: { mount(ctx: GroveCtx): void; open(ctx: GroveCtx): void; update(ctx: GroveCtx, dirty: GroveDirty): void; prepare(ctx: GroveCtx): void };
}

interface Window {
  Grove: GroveNamespace;
  /** What the browser tests and bench/inspector.ts may wait on (app.js); `ctx` once the run is loaded. */
  groveInspector: { ready: Promise<void>; select(kind: GroveSelection["kind"], name: string): void; readonly ctx: GroveCtx | undefined };
}
