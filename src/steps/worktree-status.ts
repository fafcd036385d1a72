/**
 * Everything a worktree holds that removing it would lose, and the reason Grove prints for each. The
 * rule: a worktree may go only when everything in it is reachable from a ref that outlives it, or is
 * disposable. Files are read by worktree-tree-state.ts, commits and stashes by worktree-history.ts,
 * operations, nested repositories and locks by worktree-git-state.ts. Native git throughout (`status
 * --porcelain=v2` took 17 ms on 5,000 files here, isomorphic-git's statusMatrix 488 ms).
 */
import { existsSync } from "node:fs";
import { join } from "node:path";
import { disposableMatcher } from "../util/glob-match.js";
import { git } from "./git.js";
import { findNestedRepos, lockReason, nestedRepoWork, operationsInProgress } from "./worktree-git-state.js";
import { readHistory } from "./worktree-history.js";
import { readTreeState, type TreeState } from "./worktree-tree-state.js";

/** Everything a worktree holds that removal could lose; `keptReasons` turns it into words. */
export interface WorkInWorktree extends Omit<TreeState, "unknown" | "gitlinks"> {
  stashes: string[];
  unpushedCommits: number;
  detached: boolean;
  operations: string[];
  /** "submodule lib: 1 commit no remote or tag holds", one entry per nested repository with work. */
  nested: string[];
  locked?: string;
  /** The worktree's admin dir (`<common>/worktrees/<id>`), when git named it. */
  gitDir?: string;
  /** Questions git could not answer; each keeps the worktree (fail safe). */
  unknown: string[];
}

/** Which worktree to inspect, and what counts as disposable or as Grove's own lock there. */
export interface InspectRequest {
  mainRepo: string;
  worktree: string;
  /** The branch cleanup would delete with the worktree: it does not count as holding commits. */
  dyingBranch?: string;
  disposable: readonly string[];
  /** The lock reason Grove itself used for this run (its own lock does not keep the worktree). */
  ourLockReason?: string;
}

const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;
/** A path as printed: quoted as JSON when it holds a control character (a newline would break the line). */
const shown = (path: string) => (/[\u0000-\u001f\u007f]/.test(path) ? JSON.stringify(path) : path);
const some = (paths: readonly string[]) =>
  `${paths.slice(0, 3).map(shown).join(", ")}${paths.length > 3 ? ", ..." : ""}`;

/** Up to three paths by name, then how many more ("a, b, c, +4 more"). */
const named = (paths: readonly string[], total: number) =>
  `${paths.slice(0, 3).map(shown).join(", ")}${total > Math.min(paths.length, 3) ? `, +${total - Math.min(paths.length, 3)} more` : ""}`;

/** The reasons that keep a worktree, in a fixed order, exactly as Grove prints them (docs/worktrees.md). */
export function keptReasons(w: WorkInWorktree): string[] {
  const out: string[] = [];
  if (w.operations.length) out.push(`${w.operations.join(", ")} in progress`);
  if (w.conflicted) out.push(`${plural(w.conflicted, "conflicted file")}`);
  if (w.staged) out.push(`${w.staged} staged`);
  if (w.modified) out.push(`${w.modified} modified`);
  if (w.intentToAdd) out.push(`${w.intentToAdd} intent-to-add`);
  for (const flag of ["skip-worktree", "assume-unchanged"] as const) {
    const paths = w.hidden.filter((h) => h.flag === flag).map((h) => h.path);
    if (paths.length) out.push(`${paths.length} changed but hidden by ${flag}: ${some(paths)}`);
  }
  if (w.untracked) out.push(`${w.untracked} untracked: ${named(w.untrackedPaths, w.untracked)}`);
  if (w.precious.length) out.push(`ignored but not disposable: ${some(w.precious)}`);
  for (const n of w.nested) out.push(n);
  if (w.stashes.length) out.push(`${plural(w.stashes.length, "stash", "stashes")} (${w.stashes.join(", ")})`);
  if (w.unpushedCommits) out.push(commitsReason(w.unpushedCommits, w.detached));
  if (w.locked !== undefined) out.push(`locked${w.locked ? `: ${w.locked}` : ""}`);
  if (w.unknown.length) out.push(couldNotAnswer(w.unknown));
  return out;
}

/** "2 commits no other ref holds", " (on a detached HEAD)" when HEAD is detached. */
export function commitsReason(n: number, detached: boolean): string {
  return `${plural(n, "commit")} no other ref holds${detached ? " (on a detached HEAD)" : ""}`;
}

/** One reason for every question git could not answer (the first says why; the rest are counted). */
export function couldNotAnswer(unknown: readonly string[]): string {
  const more =
    unknown.length > 1 ? ` (and ${unknown.length - 1} more question${unknown.length > 2 ? "s" : ""})` : "";
  return `git could not answer, so it is kept: ${unknown[0]}${more}`;
}

/** Inspects one existing worktree directory. Never throws for what git cannot answer: see `unknown`. */
export async function inspectWork(req: InspectRequest): Promise<WorkInWorktree> {
  const isDisposable = disposableMatcher(req.disposable);
  const [tree, history, gitDir] = await Promise.all([
    readTreeState(req.mainRepo, req.worktree, isDisposable),
    readHistory(req.worktree, req.dyingBranch),
    git(req.worktree, ["rev-parse", "--absolute-git-dir"]),
  ]);
  const unknown = [...tree.unknown, ...history.unknown];
  const operations = gitDir.exitCode === 0 ? operationsInProgress(gitDir.stdout) : [];
  if (gitDir.exitCode !== 0) unknown.push(`the worktree's git dir: ${gitDir.stderr}`);
  const nested: string[] = [];
  const submodules = tree.gitlinks.filter((p) => existsSync(join(req.worktree, p, ".git")));
  const clones = findNestedRepos(req.worktree, tree.disposable);
  for (const [kind, paths] of [
    ["submodule", submodules],
    ["nested repository", clones],
  ] as const)
    for (const p of paths) {
      const work = await nestedRepoWork(join(req.worktree, p));
      if (work.length) nested.push(`${kind} ${p}: ${work.join(", ")}`);
    }
  let locked: string | undefined;
  try {
    locked = await lockReason(req.mainRepo, req.worktree);
  } catch (e) {
    unknown.push(`its lock: ${(e as Error).message}`);
  }
  const { unknown: _u, gitlinks: _g, ...files } = tree;
  return {
    ...files,
    stashes: history.stashes,
    unpushedCommits: history.unpushedCommits,
    detached: history.detached,
    operations,
    nested,
    unknown,
    ...(gitDir.exitCode === 0 ? { gitDir: gitDir.stdout } : {}),
    ...(locked !== undefined && locked !== req.ourLockReason ? { locked } : {}),
  };
}
