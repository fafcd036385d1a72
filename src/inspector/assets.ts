/** Where the visualizer's page assets live: `<package>/assets/inspector`, plus dagre from node_modules. */
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";

const ASSET_DIR = new URL("../../assets/inspector/", import.meta.url);
const require = createRequire(import.meta.url);

export function inspectorAsset(name: string): string {
  if (name === "dagre.min.js") return require.resolve("@dagrejs/dagre/dist/dagre.min.js");
  return fileURLToPath(new URL(name, ASSET_DIR));
}
