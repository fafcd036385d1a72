/** Where a worktree's git data lives, read from `.git` and `commondir` without running git. */
import { readFileSync } from "node:fs";
import { basename, dirname, isAbsolute, join, resolve } from "node:path";

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

/**
 * The branch checked out in a worktree (short name), or undefined on a detached HEAD: read from its
 * HEAD, which git keeps as "ref: refs/heads/<branch>" while a branch is checked out. Reading one small
 * file beats loading isomorphic-git (~40 ms) on every run's start.
 */
export function checkedOutBranch(worktree: string): string | undefined {
  try {
    const head = readFileSync(join(gitDirsOf(worktree).adminDir, "HEAD"), "utf8").trim();
    return head.startsWith("ref: refs/heads/") ? head.slice("ref: refs/heads/".length) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The main worktree of the repository `topLevel` belongs to: itself, or for a linked worktree (its
 * `.git` is a file pointing into `<main>/.git/worktrees/<id>`) the directory holding the common `.git`.
 * A bare common dir (no main worktree) leaves `topLevel` as it is.
 */
export function mainWorktreeOf(topLevel: string): string {
  try {
    const { adminDir, commonDir } = gitDirsOf(topLevel);
    if (adminDir === commonDir || basename(commonDir) !== ".git") return topLevel;
    return dirname(commonDir);
  } catch {
    return topLevel;
  }
}
