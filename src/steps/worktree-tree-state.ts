/**
 * The files of one worktree as cleanup must see them: `git status` (staged, modified, intent-to-add,
 * conflicted, untracked, ignored) plus what `git status` hides: tracked files marked skip-worktree or
 * assume-unchanged are compared with their index blobs here. Does not look at commits, stashes or
 * locks (worktree-history.ts, worktree-git-state.ts).
 */
import { lstatSync, readlinkSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { git } from "./git.js";

/** How many untracked paths are kept by name (the reason names 3, then counts the rest). */
const NAMED_UNTRACKED = 3;

/** What the files of a worktree hold, by kind (counts, or paths where the reason names them). */
export interface TreeState {
  staged: number;
  modified: number;
  intentToAdd: number;
  conflicted: number;
  untracked: number;
  /** The first few untracked paths (as git prints them), for the reason that names them. */
  untrackedPaths: string[];
  /** Ignored paths that are not disposable (a .env, a local database). */
  precious: string[];
  /** Ignored, disposable paths that removing the worktree deletes (as git prints them). */
  disposable: string[];
  /** Tracked files whose content differs from the index while git status is told not to look. */
  hidden: { path: string; flag: "skip-worktree" | "assume-unchanged" }[];
  /** Paths of gitlinks (submodules) in the index. */
  gitlinks: string[];
  /** Symlinks a `link` setup step made into the main repo (removed as links, never followed). */
  sharedLinks: string[];
  /** Questions git could not answer (each keeps the worktree). */
  unknown: string[];
}

/**
 * Reads `status --porcelain=v2 -z` (fsmonitor off and submodules never ignored, so a stale daemon or a
 * `submodule.*.ignore` setting cannot hide a change) and `ls-files -v -s -z`.
 */
export async function readTreeState(
  mainRepo: string,
  worktree: string,
  isDisposable: (path: string) => boolean,
): Promise<TreeState> {
  const state: TreeState = {
    staged: 0,
    modified: 0,
    intentToAdd: 0,
    conflicted: 0,
    untracked: 0,
    untrackedPaths: [],
    precious: [],
    disposable: [],
    hidden: [],
    gitlinks: [],
    sharedLinks: [],
    unknown: [],
  };
  const status = await git(worktree, [
    "-c",
    "core.fsmonitor=false",
    "status",
    "--porcelain=v2",
    "-z",
    "--untracked-files=all",
    "--ignored=matching",
    "--ignore-submodules=none",
  ]);
  if (status.exitCode !== 0) state.unknown.push(`git status failed: ${status.stderr || status.exitCode}`);
  else readStatus(status.stdout, state, mainRepo, worktree, isDisposable);
  const files = await git(worktree, ["ls-files", "-v", "-s", "-z"]);
  if (files.exitCode !== 0) state.unknown.push(`git ls-files failed: ${files.stderr || files.exitCode}`);
  else await readIndexFlags(files.stdout, state, worktree);
  return state;
}

function readStatus(
  out: string,
  state: TreeState,
  mainRepo: string,
  worktree: string,
  isDisposable: (path: string) => boolean,
): void {
  const records = out.split("\0");
  for (let i = 0; i < records.length; i++) {
    const rec = records[i]!;
    if (!rec) continue;
    const kind = rec[0];
    if (kind === "1" || kind === "2") {
      // "1 XY sub mH mI mW hH hI path"; a rename ("2 ...") is followed by its original path.
      const xy = rec.slice(2, 4);
      if (kind === "2") i++;
      if (xy === ".A") state.intentToAdd++;
      else {
        if (xy[0] !== ".") state.staged++;
        if (xy[1] !== ".") state.modified++;
      }
    } else if (kind === "u") state.conflicted++;
    else if (kind === "?") {
      const path = rec.slice(2);
      if (isDisposable(path) && isSharedLink(mainRepo, worktree, path)) state.sharedLinks.push(path);
      else if (state.untracked++ < NAMED_UNTRACKED) state.untrackedPaths.push(path);
    } else if (kind === "!") {
      const path = rec.slice(2);
      (isDisposable(path) ? state.disposable : state.precious).push(path);
    }
  }
}

/**
 * `ls-files -v` tags: `S` skip-worktree, a lowercase letter assume-unchanged. Each such file present in
 * the tree is hashed the way `git add` would (`hash-object --stdin-paths` applies the path's filters)
 * and compared with its index blob; an absent one is a sparse checkout's normal state, nothing lost.
 */
async function readIndexFlags(out: string, state: TreeState, worktree: string): Promise<void> {
  const suspects: { path: string; flag: "skip-worktree" | "assume-unchanged"; oid: string; mode: string }[] =
    [];
  for (const rec of out.split("\0")) {
    if (!rec) continue;
    const tab = rec.indexOf("\t");
    const [tag, mode, oid] = rec.slice(0, tab).split(" ");
    const path = rec.slice(tab + 1);
    if (mode === "160000") {
      if (!state.gitlinks.includes(path)) state.gitlinks.push(path);
      continue;
    }
    const flag = tag === "S" ? "skip-worktree" : tag && tag !== tag.toUpperCase() ? "assume-unchanged" : null;
    if (!flag || !oid || !mode) continue;
    try {
      lstatSync(join(worktree, path));
    } catch {
      continue;
    }
    suspects.push({ path, flag, oid, mode });
  }
  if (suspects.length === 0) return;
  const links = suspects.filter((s) => s.mode === "120000");
  const plain = suspects.filter((s) => s.mode !== "120000");
  for (const s of links) {
    const blob = await git(worktree, ["cat-file", "blob", s.oid]);
    let target: string | undefined;
    try {
      target = readlinkSync(join(worktree, s.path));
    } catch {}
    if (blob.exitCode !== 0 || target !== blob.stdout) state.hidden.push({ path: s.path, flag: s.flag });
  }
  if (plain.length === 0) return;
  const hashes = await hashFiles(
    worktree,
    plain.map((s) => s.path),
  );
  if (!hashes) {
    state.unknown.push(
      `could not hash ${plain.length} file${plain.length > 1 ? "s" : ""} hidden by skip-worktree or assume-unchanged`,
    );
    return;
  }
  plain.forEach((s, i) => {
    if (hashes[i] !== s.oid) state.hidden.push({ path: s.path, flag: s.flag });
  });
}

/** One `git hash-object` for many paths (paths are passed on stdin, one a line). */
async function hashFiles(worktree: string, paths: readonly string[]): Promise<string[] | undefined> {
  if (paths.some((p) => p.includes("\n"))) return undefined;
  const r = await git(worktree, ["hash-object", "--stdin-paths"], { input: `${paths.join("\n")}\n` });
  const lines = r.stdout.split("\n");
  return r.exitCode === 0 && lines.length === paths.length ? lines : undefined;
}

/**
 * A `link` setup step's symlink (node_modules -> the main repo's): untracked, since an ignore pattern
 * like `node_modules/` matches directories only, but Grove's own and holding nothing of the worktree.
 */
function isSharedLink(mainRepo: string, worktree: string, path: string): boolean {
  try {
    const full = join(worktree, path);
    if (!lstatSync(full).isSymbolicLink()) return false;
    const target = resolve(dirname(full), readlinkSync(full));
    return target.startsWith(`${mainRepo}/`);
  } catch {
    return false;
  }
}
