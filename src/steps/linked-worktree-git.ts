/**
 * Read-only git queries without starting a process (isomorphic-git), correct inside linked worktrees.
 * isomorphic-git does not read `commondir`: pointed at a linked worktree it answers silently wrong
 * (`listBranches` returns [], `resolveRef("HEAD")` fails). So every call goes through a filesystem view
 * that sends per-worktree files (HEAD, index, logs/HEAD, pseudo-refs, refs/worktree) to the worktree's
 * admin dir and everything else (objects, refs, packed-refs, config) to the common dir.
 * Writes are refused: every write goes through native git.
 */
import { promises as fsp } from "node:fs";
import { join } from "node:path";
import { type GitDirs, gitDirsOf } from "./git-dirs.js";

/** Loaded on first use: most runs never need it, and it costs ~40 ms to load. */
let loaded: typeof import("isomorphic-git").default | undefined;
async function isomorphicGit() {
  loaded ??= (await import("isomorphic-git")).default;
  return loaded;
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

/** Does HEAD contain `ref` already ("is this worktree up to date with the coordinator ref?")? */
export async function containsRef(worktree: string, ref: string): Promise<boolean> {
  const git = await isomorphicGit();
  const a = args(worktree);
  const head = await git.resolveRef({ ...a, ref: "HEAD" });
  const target = await git.resolveRef({ ...a, ref });
  if (head === target) return true;
  return git.isDescendent({ ...a, oid: head, ancestor: target, depth: -1 });
}
