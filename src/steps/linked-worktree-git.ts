/**
 * Read-only git queries without starting a process (isomorphic-git), correct inside linked worktrees.
 * isomorphic-git does not read `commondir`: pointed at a linked worktree it answers silently wrong
 * (`listBranches` returns [], `resolveRef("HEAD")` fails). So every call goes through a filesystem view
 * that sends per-worktree files (HEAD, index, logs/HEAD, pseudo-refs, refs/worktree) to the worktree's
 * admin dir and everything else (objects, refs, packed-refs, config) to the common dir.
 * Writes are refused: every write goes through native git.
 */
import { promises as fsp, readFileSync } from "node:fs";
import { isAbsolute, join, resolve } from "node:path";
import git from "isomorphic-git";

export interface GitDirs {
  /** The worktree's own admin dir (`.git/worktrees/<id>`), or the main `.git`. */
  adminDir: string;
  commonDir: string;
}

/** Finds the admin and common dirs by reading `.git` and `commondir`, without running git. */
export function gitDirsOf(worktree: string): GitDirs {
  const dotGit = join(worktree, ".git");
  let adminDir = dotGit;
  try {
    const text = readFileSync(dotGit, "utf8");
    const m = /^gitdir: (.+)$/m.exec(text);
    if (m) adminDir = resolve(worktree, m[1]!.trim());
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "EISDIR") throw error;
  }
  let commonDir = adminDir;
  try {
    const rel = readFileSync(join(adminDir, "commondir"), "utf8").trim();
    commonDir = isAbsolute(rel) ? rel : resolve(adminDir, rel);
  } catch {}
  return { adminDir, commonDir };
}

const PER_WORKTREE =
  /^(HEAD|index|ORIG_HEAD|MERGE_HEAD|FETCH_HEAD|CHERRY_PICK_HEAD|REVERT_HEAD|BISECT_LOG|logs\/HEAD|refs\/worktree(\/.*)?|refs\/bisect(\/.*)?|refs\/rewritten(\/.*)?)$/;

/** The virtual gitdir handed to isomorphic-git; paths under it are mapped by `route`. */
const VIRTUAL = "/grove-virtual-gitdir";

function routedFs(dirs: GitDirs) {
  const route = (path: string): string => {
    if (typeof path !== "string" || !path.startsWith(VIRTUAL)) return path;
    const rel = path.slice(VIRTUAL.length).replace(/^\/+/, "");
    return join(PER_WORKTREE.test(rel) ? dirs.adminDir : dirs.commonDir, rel);
  };
  const refuse = async () => {
    throw new Error("linked-worktree-git is read-only");
  };
  return {
    promises: {
      // async: isomorphic-git probes with odd arguments and expects rejections, not throws.
      readFile: async (p: string, o?: unknown) => fsp.readFile(route(p), o as never),
      readdir: async (p: string) => fsp.readdir(route(p)),
      stat: async (p: string) => fsp.stat(route(p)),
      lstat: async (p: string) => fsp.lstat(route(p)),
      readlink: async (p: string) => fsp.readlink(route(p)),
      writeFile: refuse,
      unlink: refuse,
      mkdir: refuse,
      rmdir: refuse,
      symlink: refuse,
    },
  };
}

function args(worktree: string) {
  return { fs: routedFs(gitDirsOf(worktree)), dir: worktree, gitdir: VIRTUAL };
}

/** The checked-out branch (short name), or undefined on a detached HEAD. */
export async function currentBranch(worktree: string): Promise<string | undefined> {
  return (await git.currentBranch({ ...args(worktree), fullname: false })) ?? undefined;
}

export async function resolveRef(worktree: string, ref: string): Promise<string> {
  return git.resolveRef({ ...args(worktree), ref });
}

export async function listBranches(worktree: string): Promise<string[]> {
  return (await git.listBranches(args(worktree))).sort();
}

/** Does HEAD contain `ref` already ("is this worktree up to date with the coordinator ref?")? */
export async function containsRef(worktree: string, ref: string): Promise<boolean> {
  const a = args(worktree);
  const head = await git.resolveRef({ ...a, ref: "HEAD" });
  const target = await git.resolveRef({ ...a, ref });
  if (head === target) return true;
  return git.isDescendent({ ...a, oid: head, ancestor: target, depth: -1 });
}
