/**
 * The visualizer's page assets: `<package>/assets/inspector`, plus elkjs (graph layout, run in a Web
 * Worker) from node_modules. The one list of what may be served, and in which order the page loads it.
 */
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";

const ASSET_DIR = new URL("../../assets/inspector/", import.meta.url);
/**
 * Grove's own modules the page runs too, made classic scripts by the build (scripts/page-scripts.mjs):
 * dist/page/ (from dist/inspector/ and from the bundle in dist/cli/; under vitest this module is in src/).
 */
const GENERATED = new Set(["shell-quote.js", "root-cause-text.js"]);
const GENERATED_DIR = new URL(
  import.meta.url.endsWith(".ts") ? "../../dist/page/" : "../page/",
  import.meta.url,
);
const require = createRequire(import.meta.url);

/** The page's scripts, in load order (index.html lists the same; the offline report inlines them). */
export const PAGE_SCRIPTS = [
  "shell-quote.js",
  "root-cause-text.js",
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
  if (GENERATED.has(name)) return fileURLToPath(new URL(name, GENERATED_DIR));
  return fileURLToPath(new URL(name, ASSET_DIR));
}
