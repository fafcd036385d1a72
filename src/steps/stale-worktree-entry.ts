/**
 * The entry git keeps for a worktree whose directory is gone (`<common>/worktrees/<id>`): what it still
 * holds, and clearing it one path at a time. Grove never runs a global `git worktree prune`, which
 * drops every such entry unchecked, and with it a detached HEAD's commits or a lock on a worktree
 * that lives on a drive not mounted right now.
 */
import { readdirSync, readFileSync, realpathSync } from "node:fs";
import { basename, dirname, join, resolve } from "node:path";
import { git } from "./git.js";
import { lockReason, operationsInProgress } from "./worktree-git-state.js";
import { readHistory } from "./worktree-history.js";
import { commitsReason, couldNotAnswer } from "./worktree-status.js";

/** `<common>/worktrees/<id>` whose `gitdir` names `<path>/.git`, or undefined when git has no entry. */
export function findAdminDir(commonDir: string, path: string): string | undefined {
  const wanted = new Set([join(resolve(path), ".git")]);
  try {
    wanted.add(join(realpathSync(dirname(path)), basename(path), ".git"));
  } catch {}
  let ids: string[];
  try {
    ids = readdirSync(join(commonDir, "worktrees"));
  } catch {
    return undefined;
  }
  for (const id of ids) {
    try {
      const gitdir = readFileSync(join(commonDir, "worktrees", id, "gitdir"), "utf8").trim();
      if (wanted.has(gitdir)) return join(commonDir, "worktrees", id);
    } catch {}
  }
  return undefined;
}

/**
 * Why the entry of the missing worktree at `path` must stay: a lock that is not `ourLockReason`, an
 * operation in progress, commits only its HEAD holds (its branch, if any, stays and holds its own),
 * or a question git could not answer. Empty when clearing it loses nothing.
 */
export async function staleEntryReasons(
  mainRepo: string,
  adminDir: string,
  path: string,
  ourLockReason?: string,
): Promise<string[]> {
  const reasons: string[] = [];
  const locked = await lockReason(mainRepo, path).catch((e: Error) => `? (${e.message})`);
  if (locked !== undefined && locked !== ourLockReason) reasons.push(`locked${locked ? `: ${locked}` : ""}`);
  const ops = operationsInProgress(adminDir);
  if (ops.length) reasons.push(`${ops.join(", ")} in progress`);
  const history = await readHistory(mainRepo, undefined, adminDir);
  if (history.unpushedCommits) reasons.push(commitsReason(history.unpushedCommits, history.detached));
  if (history.unknown.length) reasons.push(couldNotAnswer(history.unknown));
  return reasons;
}

/** Drops the one entry of a missing worktree (`git worktree remove` of a path that is gone). */
export async function removeStaleEntry(
  mainRepo: string,
  path: string,
): Promise<{ ok: boolean; stderr: string }> {
  const r = await git(mainRepo, ["worktree", "remove", "--end-of-options", path]);
  return { ok: r.exitCode === 0, stderr: r.stderr };
}
