/**
 * The inspector's folding code (assets/inspector/fold.js, a classic browser script) loaded into Node
 * as the page would load it (evaluated with a bare `window`), and the recorded lines tests feed it.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { runInNewContext } from "node:vm";
import { REPO_ROOT } from "./paths.js";

// biome-ignore lint/suspicious/noExplicitAny: the page's namespace is untyped JavaScript seen from here
export type Grove = any;

/** A fresh `window.Grove` with fold.js's exports. */
export function loadFold(): Grove {
  const source = readFileSync(join(REPO_ROOT, "assets/inspector/fold.js"), "utf8");
  const window: { Grove?: Grove } = {};
  runInNewContext(source, { window }, { filename: "fold.js" });
  return window.Grove;
}

export interface Sc {
  name: string;
  worktree: string;
  dependencies: string[];
}

/** The run's definitions as the page gets them (machines.json's scenario part). */
export const defsOf = (scenarios: Sc[], worktrees = ["w"]) => ({ runId: "r", scenarios, worktrees });

export const sc = (name: string, dependencies: string[] = [], worktree = "w"): Sc => ({
  name,
  worktree,
  dependencies,
});

/** A recorded scenario-status line at time t. */
export const status = (t: number, name: string, s: string, detail?: string) => ({
  t,
  k: "grove",
  e: { type: "scenario-status", name, status: s, detail },
});
