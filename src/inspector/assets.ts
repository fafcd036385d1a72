/**
 * The visualizer's page assets: `<package>/assets/inspector`, plus elkjs (graph layout, run in a Web
 * Worker) from node_modules. The one list of what may be served, and in which order the page loads it.
 */
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";

const ASSET_DIR = new URL("../../assets/inspector/", import.meta.url);
const require = createRequire(import.meta.url);

/** The page's scripts, in load order (index.html lists the same; the offline report inlines them). */
export const PAGE_SCRIPTS = [
  "recording.js",
  "fold.js",
  "layout.js",
  "ui.js",
  "overview.js",
  "table.js",
  "graph.js",
  "timeline.js",
  "detail.js",
  "app.js",
] as const;

/** Everything the server may send under /assets/. */
export const SERVED_ASSETS: ReadonlySet<string> = new Set([
  ...PAGE_SCRIPTS,
  "style.css",
  "layout-worker.js",
  "elk.bundled.js",
]);

/** The path of one asset (one of SERVED_ASSETS). */
export function inspectorAsset(name: string): string {
  if (name === "elk.bundled.js") return require.resolve("elkjs/lib/elk.bundled.js");
  return fileURLToPath(new URL(name, ASSET_DIR));
}
