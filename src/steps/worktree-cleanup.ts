/**
 * Cleanup that never loses work: only worktrees Grove created are candidates, and one is removed only
 * when everything in it is reachable from a ref that outlives it, or disposable (worktree-status.ts
 * decides; this file acts). A branch Grove created is deleted only when it holds no commit nothing
 * else holds; a branch Grove did not create is never touched, so its commits stay on it. A worktree
 * whose directory was deleted by hand loses its entry, and its Grove branch when that holds nothing
 * unique. `git worktree remove` deletes ignored files, which is why they are checked first.
 */
import { existsSync, unlinkSync } from "node:fs";
import { join } from "node:path";
import { git } from "./git.js";
import { withRepoLock } from "./repo-lock.js";
import { findAdminDir, removeStaleEntry, staleEntryReasons } from "./stale-worktree-entry.js";
import { commitsOnlyOn } from "./worktree-history.js";
import { type CreatedWorktree, readRegistry, updateRegistry } from "./worktree-registry.js";
import { inspectWork, keptReasons } from "./worktree-status.js";

/** Removed (with what was deleted or left), kept (with every reason), or not Grove's to touch. */
export type CleanupOutcome =
  | {
      kind: "removed";
      branchDeleted: boolean;
      createdBranch: boolean;
      /** What the removal deleted or left, one line each ("branch feature/x deleted (...)"). */
      details: string[];
    }
  | { kind: "kept"; reasons: string[] }
  | { kind: "not-ours" };

/** One worktree to clean up, with the pipeline's `cleanup:` and `disposable` settings. */
export interface CleanupRequest {
  mainRepo: string;
  commonDir: string;
  path: string;
  disposable: readonly string[];
  deleteBranch: boolean;
  /** `cleanup.remove_worktrees` (default true): false keeps every worktree whose directory exists. */
  removeWorktrees?: boolean;
  /**
   * `cleanup.prune` (default true): drop the entry (and branch) of a Grove worktree whose directory
   * was deleted. Never a global `git worktree prune`: that would drop other worktrees' entries, and a
   * detached HEAD's commits with them, unchecked.
   */
  prune?: boolean;
  /** The lock reason Grove itself used for this run (its own lock does not keep the worktree). */
  ourLockReason?: string;
  dryRun?: boolean;
}

/** Removes one Grove worktree if it holds nothing that would be lost; never throws for held work. */
export async function cleanupWorktree(req: CleanupRequest): Promise<CleanupOutcome> {
  const entry = readRegistry(req.commonDir).find((e) => e.path === req.path);
  if (!entry) return { kind: "not-ours" };
  const dying = req.deleteBranch && entry.createdBranch ? entry.branch : undefined;
  if (!existsSync(req.path)) return cleanupMissing(req, entry, dying);
  if (req.removeWorktrees === false) return { kind: "kept", reasons: ["cleanup.remove_worktrees is false"] };
  const work = await inspectWork({
    mainRepo: req.mainRepo,
    worktree: req.path,
    disposable: req.disposable,
    ...(dying ? { dyingBranch: dying } : {}),
    ...(req.ourLockReason !== undefined ? { ourLockReason: req.ourLockReason } : {}),
  });
  const reasons = keptReasons(work);
  if (reasons.length > 0) return { kind: "kept", reasons };
  const details = [`worktree ${req.path}`];
  if (work.disposable.length) details.push(`disposable ignored files: ${work.disposable.join(", ")}`);
  if (work.sharedLinks.length)
    details.push(`shared links (not their targets): ${work.sharedLinks.join(", ")}`);
  if (req.dryRun) return dryRun(req, entry, dying, details);
  return withRepoLock(req.commonDir, async () => {
    if (req.ourLockReason !== undefined)
      await git(req.mainRepo, ["worktree", "unlock", "--end-of-options", req.path]);
    // Shared links would make git refuse; unlinking removes the link only, never what it points to.
    for (const link of work.sharedLinks) unlinkSync(join(req.path, link));
    // git refuses any worktree with a submodule's git dir; every submodule was inspected above.
    const force = work.gitDir !== undefined && existsSync(join(work.gitDir, "modules")) ? ["--force"] : [];
    const r = await git(req.mainRepo, ["worktree", "remove", ...force, "--end-of-options", req.path]);
    if (r.exitCode !== 0)
      return { kind: "kept" as const, reasons: [`git worktree remove refused: ${r.stderr}`] };
    return finish(req, entry, dying, details);
  });
}

/** The directory is gone: only its admin dir (HEAD, in-progress state) and its branch are left. */
async function cleanupMissing(
  req: CleanupRequest,
  entry: CreatedWorktree,
  dying: string | undefined,
): Promise<CleanupOutcome> {
  if (req.prune === false)
    return { kind: "kept", reasons: ["its directory is missing and cleanup.prune is false"] };
  const adminDir = findAdminDir(req.commonDir, req.path);
  const details = [`entry of ${req.path} (its directory was deleted)`];
  if (adminDir) {
    const reasons = await staleEntryReasons(req.mainRepo, adminDir, req.path, req.ourLockReason);
    if (reasons.length) return { kind: "kept", reasons: [...reasons, "its directory is missing"] };
  }
  if (req.dryRun) return dryRun(req, entry, dying, details);
  return withRepoLock(req.commonDir, async () => {
    if (adminDir) {
      if (req.ourLockReason !== undefined)
        await git(req.mainRepo, ["worktree", "unlock", "--end-of-options", req.path]);
      const r = await removeStaleEntry(req.mainRepo, req.path);
      if (!r.ok) return { kind: "kept" as const, reasons: [`git worktree remove refused: ${r.stderr}`] };
    }
    return finish(req, entry, dying, details);
  });
}

/** After the worktree is gone: its branch (when Grove made it and it holds nothing), prune, registry. */
async function finish(
  req: CleanupRequest,
  entry: CreatedWorktree,
  dying: string | undefined,
  details: string[],
): Promise<CleanupOutcome> {
  let branchDeleted = false;
  if (dying && (await commitsOnlyOn(req.mainRepo, dying)) === 0)
    branchDeleted = (await git(req.mainRepo, ["branch", "-D", "--end-of-options", dying])).exitCode === 0;
  updateRegistry(req.commonDir, (all) => all.filter((e) => e.path !== req.path));
  return removed(entry, branchDeleted, [...details, branchFate(req, entry, branchDeleted)]);
}

async function dryRun(
  req: CleanupRequest,
  entry: CreatedWorktree,
  dying: string | undefined,
  details: string[],
): Promise<CleanupOutcome> {
  const deletes = dying !== undefined && (await commitsOnlyOn(req.mainRepo, dying)) === 0;
  return removed(entry, deletes, [...details, branchFate(req, entry, deletes)]);
}

function removed(entry: CreatedWorktree, branchDeleted: boolean, details: string[]): CleanupOutcome {
  return { kind: "removed", branchDeleted, createdBranch: entry.createdBranch, details };
}

/** What happens to the worktree's branch, as a dry run or the report says it. */
function branchFate(req: CleanupRequest, entry: CreatedWorktree, deleted: boolean): string {
  if (deleted) return `branch ${entry.branch} deleted (it holds nothing unique)`;
  if (!entry.createdBranch) return `branch ${entry.branch} left alone (Grove did not create it)`;
  if (!req.deleteBranch) return `branch ${entry.branch} left (cleanup.delete_branches is false)`;
  return `branch ${entry.branch} left (it holds commits, or another worktree has it checked out)`;
}
