// Checks the import graph of src/: no cycles between modules, and no import that points against the
// layers' direction (config -> plan -> scheduler/machines -> steps -> events -> reporters; see
// docs/architecture.md). Type-only imports count too: a cycle of types is still a cycle of concerns.
// Reads the import specifiers with a regular expression (Grove's sources use plain static imports and
// `await import("...")`); prints what it finds and exits 1 if anything is wrong. SHOW_EDGES=1 lists
// the folder-to-folder arrows that exist.
import { readdirSync, readFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const src = join(root, "src");

/** What the composition root may import: every part below it. */
const BELOW_RUN = ["util", "shared", "config", "plan", "machines", "scheduler", "resources", "steps"];
/** Each part of src/ and the parts it may import (beside itself). */
const LAYERS = {
  util: [],
  shared: ["util"], // errors.ts, events.ts, exit-codes.ts, version.ts
  config: ["util", "shared"],
  plan: ["util", "shared", "config"],
  machines: ["util", "shared", "config"],
  scheduler: ["util", "shared", "config", "plan", "machines"],
  resources: ["util", "shared", "config"],
  steps: ["util", "shared", "config", "plan", "machines", "resources"],
  reporters: ["util", "shared", "config", "plan"],
  inspector: ["util", "shared", "config", "plan", "machines", "reporters"],
  run: [...BELOW_RUN, "reporters", "inspector"],
  demo: ["util", "shared", "config", "plan", "steps"],
  cli: [...BELOW_RUN, "reporters", "inspector", "run", "demo"],
  index: [...BELOW_RUN, "reporters", "inspector", "run"],
};

const partOf = (file) => {
  const rel = relative(src, file);
  if (!rel.includes("/")) return rel === "index.ts" ? "index" : "shared";
  return rel.split("/")[0];
};

function files(dir) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((d) =>
    d.isDirectory() ? files(join(dir, d.name)) : d.name.endsWith(".ts") ? [join(dir, d.name)] : [],
  );
}

const IMPORT =
  /(?:^|\n)\s*(?:import|export)\b[^;'"]*?from\s*["']([^"']+)["']|import\(\s*["']([^"']+)["']\s*\)/g;
const graph = new Map();
for (const file of files(src)) {
  const text = readFileSync(file, "utf8");
  const deps = new Set();
  for (const m of text.matchAll(IMPORT)) {
    const spec = m[1] ?? m[2];
    if (!spec.startsWith(".")) continue;
    deps.add(resolve(dirname(file), spec).replace(/\.js$/, ".ts"));
  }
  graph.set(
    file,
    [...deps].filter((d) => d.startsWith(src)),
  );
}

const problems = [];
if (process.env.SHOW_EDGES) {
  const e = new Set();
  for (const [f, ds] of graph)
    for (const d of ds) if (partOf(f) !== partOf(d)) e.add(partOf(f) + " -> " + partOf(d));
  console.log([...e].sort().join("\n"));
}
for (const [file, deps] of graph) {
  const from = partOf(file);
  for (const dep of deps) {
    const to = partOf(dep);
    if (to !== from && !LAYERS[from]?.includes(to))
      problems.push(
        `upward import: ${relative(root, file)} imports ${relative(root, dep)} (${from} -> ${to})`,
      );
  }
}

// Tarjan's strongly connected components: any with more than one module is a cycle.
let index = 0;
const stack = [];
const meta = new Map();
function connect(v) {
  meta.set(v, { index, low: index, on: true });
  index++;
  stack.push(v);
  for (const w of graph.get(v) ?? []) {
    if (!graph.has(w)) continue;
    if (!meta.has(w)) {
      connect(w);
      meta.get(v).low = Math.min(meta.get(v).low, meta.get(w).low);
    } else if (meta.get(w).on) meta.get(v).low = Math.min(meta.get(v).low, meta.get(w).index);
  }
  if (meta.get(v).low === meta.get(v).index) {
    const component = [];
    let w;
    do {
      w = stack.pop();
      meta.get(w).on = false;
      component.push(relative(root, w));
    } while (w !== v);
    if (component.length > 1) problems.push(`import cycle: ${component.sort().join(" <-> ")}`);
  }
}
for (const v of graph.keys()) if (!meta.has(v)) connect(v);

const edges = [...graph.values()].reduce((n, d) => n + d.length, 0);
if (problems.length) {
  console.error(problems.join("\n"));
  process.exit(1);
}
console.log(`src/: ${graph.size} modules, ${edges} imports, no cycles, none against the layers`);
