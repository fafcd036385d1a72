/**
 * The rest of what a worktree can hold besides files and its own commits: an operation in progress
 * (its state lives in the worktree's admin dir, which removal deletes), repositories nested in it
 * (submodules, clones inside disposable directories) with their own unsaved work, and locks.
 */
import { existsSync, lstatSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { git, gitOrThrow } from "./git.js";

/** Marker files in a worktree's git dir, as `git status` reads them (wt-status.c). */
const OPERATIONS: readonly [string, string][] = [
  ["rebase-merge", "rebase"],
  ["rebase-apply/applying", "am"],
  ["rebase-apply", "rebase"],
  ["MERGE_HEAD", "merge"],
  ["CHERRY_PICK_HEAD", "cherry-pick"],
  ["REVERT_HEAD", "revert"],
  ["sequencer", "cherry-pick or revert sequence"],
  ["BISECT_LOG", "bisect"],
];

/** The operations in progress in the worktree whose git dir is `gitDir` ("merge", "rebase", ...). */
export function operationsInProgress(gitDir: string): string[] {
  const found: string[] = [];
  for (const [marker, name] of OPERATIONS) {
    if (!existsSync(join(gitDir, marker))) continue;
    if (name === "rebase" && found.includes("am")) continue;
    if (!found.includes(name)) found.push(name);
  }
  return found;
}

/**
 * Repositories inside `dirs` (relative to `worktree`), found without following symlinks and without
 * entering a repository once found (its own nested ones are its business). Used for disposable ignored
 * directories, which git status reports as one line and never looks into.
 */
export function findNestedRepos(worktree: string, dirs: readonly string[]): string[] {
  const found: string[] = [];
  const walk = (rel: string) => {
    const full = join(worktree, rel);
    if (existsSync(join(full, ".git"))) {
      found.push(rel);
      return;
    }
    let entries: import("node:fs").Dirent[];
    try {
      entries = readdirSync(full, { withFileTypes: true });
    } catch {
      return;
    }
    for (const e of entries) if (e.isDirectory()) walk(`${rel}/${e.name}`);
  };
  for (const dir of dirs) {
    const rel = dir.replace(/\/+$/, "");
    try {
      if (lstatSync(join(worktree, rel)).isDirectory()) walk(rel);
    } catch {}
  }
  return found;
}

/**
 * What a nested repository (a submodule or a clone) holds that exists nowhere else: changed or
 * untracked files (its ignored files are its own business), stashes, and commits on its HEAD or
 * branches that none of its remote-tracking refs or tags hold. Empty when it holds nothing; a
 * question git cannot answer is reported as held work.
 */
export async function nestedRepoWork(dir: string): Promise<string[]> {
  const out: string[] = [];
  const status = await git(dir, [
    "-c",
    "core.fsmonitor=false",
    "status",
    "--porcelain=v2",
    "-z",
    "--untracked-files=normal",
    "--ignore-submodules=none",
  ]);
  if (status.exitCode !== 0) return [`git status failed there: ${status.stderr}`];
  const changed = status.stdout.split("\0").filter((r) => /^[12u?] /.test(r)).length;
  if (changed) out.push(`${changed} changed or untracked`);
  const stashes = await git(dir, ["stash", "list", "--format=%gd"]);
  if (stashes.exitCode !== 0) out.push("its stashes could not be listed");
  else if (stashes.stdout) out.push(plural(stashes.stdout.split("\n").length, "stash", "stashes"));
  const head = await git(dir, ["rev-parse", "-q", "--verify", "HEAD^{commit}"]);
  const tips = [...(head.exitCode === 0 ? ["HEAD"] : []), "--branches"];
  const r = await git(dir, ["rev-list", "--count", ...tips, "--not", "--remotes", "--tags", "--"]);
  const n = Number(r.stdout);
  if (r.exitCode !== 0 || !Number.isInteger(n)) out.push(`its commits could not be counted: ${r.stderr}`);
  else if (n) out.push(`${plural(n, "commit", "commits")} no remote or tag holds`);
  return out;
}

function plural(n: number, one: string, many: string): string {
  return `${n} ${n === 1 ? one : many}`;
}

/** The lock reason of a worktree ("" when locked without one), or undefined when not locked. */
export async function lockReason(mainRepo: string, worktree: string): Promise<string | undefined> {
  const list = await gitOrThrow(mainRepo, ["worktree", "list", "--porcelain"], "listing worktrees");
  let current: string | undefined;
  for (const line of list.split("\n")) {
    if (line.startsWith("worktree ")) current = line.slice(9);
    else if (current === worktree && (line === "locked" || line.startsWith("locked "))) return line.slice(7);
  }
  return undefined;
}
