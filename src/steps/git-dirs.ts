/** Where a worktree's git data lives, read from `.git` and `commondir` without running git. */
import { readFileSync } from "node:fs";
import { isAbsolute, join, resolve } from "node:path";

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
