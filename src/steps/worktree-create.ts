/**
 * Verifying and creating worktrees. Creation is idempotent: an existing branch is reused, our own
 * half-built worktree is kept (setup reruns), a directory in the way or a branch checked out elsewhere
 * is a clear error. `worktree add --no-checkout` and branch creation hold the repository lock (they
 * race on .git/worktrees and .git/config); the checkout that fills the tree runs after, in parallel
 * with other worktrees'. A branch created by a failed add is deleted only if this call created it and
 * it still points at the start commit. From the add until the verify checks pass, the worktree is
 * marked half-built: one interrupted during its checkout is checked out again by the next run.
 */
import { existsSync, realpathSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { WorktreeError } from "../errors.js";
import { timestamp } from "../events.js";
import { type GitOptions, git, gitOrThrow } from "./git.js";
import { checkedOutBranch, gitDirsOf } from "./git-dirs.js";
import { withRepoLock } from "./repo-lock.js";
import { findAdminDir, removeStaleEntry, staleEntryReasons } from "./stale-worktree-entry.js";
import { assertRealInside } from "./worktree-paths.js";
import { updateRegistry } from "./worktree-registry.js";
import { halfBuiltStage, markHalfBuilt } from "./worktree-setup.js";

export type WorktreePresence =
  | { kind: "missing" }
  | { kind: "ours"; branch: string | undefined }
  | { kind: "foreign"; detail: string };

/** Is `path` a worktree of the repository whose common git dir is `commonDir`? Answered without a process. */
export async function probeWorktree(path: string, commonDir: string): Promise<WorktreePresence> {
  if (!existsSync(path)) return { kind: "missing" };
  if (!existsSync(join(path, ".git")))
    return {
      kind: "foreign",
      detail: `${path} exists but is not a git worktree (no .git entry); move it away or pick another base path`,
    };
  let theirs: string;
  try {
    theirs = realpathSync(gitDirsOf(path).commonDir);
  } catch {
    theirs = "unknown";
  }
  if (theirs !== realpathSync(commonDir)) {
    return {
      kind: "foreign",
      detail: `${path} is a worktree of another repository (${theirs}); move it away or pick another base path`,
    };
  }
  return { kind: "ours", branch: checkedOutBranch(path) };
}

/** git check-ref-format --branch, compared with the input (it expands `@{-1}` and the like). */
async function validateBranch(repo: string, branch: string): Promise<void> {
  const r = await git(repo, ["check-ref-format", "--branch", branch]);
  if (r.exitCode !== 0 || r.stdout !== branch || branch.startsWith("-")) {
    throw new WorktreeError(
      "E_BRANCH_NAME",
      `"${branch}" is not a valid branch name; fix worktree.branch in the pipeline or the worktree name`,
    );
  }
}

/** The worktree that has `branch` checked out, if any. */
async function checkedOutAt(mainRepo: string, branch: string): Promise<string | undefined> {
  const list = await gitOrThrow(mainRepo, ["worktree", "list", "--porcelain"], "listing worktrees");
  let current: string | undefined;
  for (const line of list.split("\n")) {
    if (line.startsWith("worktree ")) current = line.slice(9);
    else if (line === `branch refs/heads/${branch}`) return current;
  }
  return undefined;
}

const TRANSIENT = /failed to read .*commondir|could not lock config file|cannot lock ref/i;

export interface CreateRequest {
  mainRepo: string;
  commonDir: string;
  basePath: string;
  name: string;
  path: string;
  branch: string;
  startPoint: string;
  /** Written into the half-built marker. */
  runId: string;
  /** Abort (Ctrl-C) and process-group bookkeeping for the add and the checkout. */
  control?: GitOptions;
}

/** Thrown when an interrupt ended the creation; the worktree is left marked half-built. */
function interrupted(name: string): WorktreeError {
  return new WorktreeError("E_INTERRUPTED", `creating "${name}" was interrupted`);
}

/** Creates the worktree (reusing its branch when it exists); returns whether the branch was new. */
export async function createWorktree(
  req: CreateRequest,
): Promise<{ createdBranch: boolean; startCommit: string }> {
  await validateBranch(req.mainRepo, req.branch);
  const resumed = existsSync(join(req.path, ".git")) && halfBuiltStage(req.path)?.stage === "create";
  const added: Promise<{ createdBranch: boolean; startCommit: string }> = resumed
    ? Promise.resolve({ createdBranch: false, startCommit: "" })
    : addWorktree(req);
  return added.then(async (created) => {
    // A checkout inside a worktree touches only its own index and files: safe in parallel.
    const populate = await git(req.path, ["reset", "--hard", "--quiet", "HEAD"], req.control);
    if (populate.cancelled) throw interrupted(req.name);
    if (populate.exitCode !== 0)
      throw new WorktreeError("E_WORKTREE_CHECKOUT", `checking out "${req.name}" failed: ${populate.stderr}`);
    return created;
  });
}

/** `git worktree add --no-checkout` (and the branch) under the repository lock; marks it half-built. */
function addWorktree(req: CreateRequest): Promise<{ createdBranch: boolean; startCommit: string }> {
  return withRepoLock(
    req.commonDir,
    async () => {
      const startCommit = await gitOrThrow(
        req.mainRepo,
        ["rev-parse", "--verify", "--end-of-options", `${req.startPoint}^{commit}`],
        `resolving start point "${req.startPoint}"`,
      ).catch(() => {
        throw new WorktreeError(
          "E_START_POINT",
          req.startPoint === "HEAD"
            ? `the main repository ${req.mainRepo} has no commit yet (HEAD points at nothing): make a first commit, or set worktree.start_point in the pipeline`
            : `start point "${req.startPoint}" is not a commit in ${req.mainRepo}; fix worktree.start_point in the pipeline`,
        );
      });
      const exists =
        (await git(req.mainRepo, ["rev-parse", "--verify", "--quiet", `refs/heads/${req.branch}`]))
          .exitCode === 0;
      await clearMissingEntry(req);
      if (exists) {
        const elsewhere = await checkedOutAt(req.mainRepo, req.branch);
        if (elsewhere) {
          throw new WorktreeError(
            "E_BRANCH_BUSY",
            `branch "${req.branch}" is already checked out at ${elsewhere}; remove that worktree or change worktree.branch`,
          );
        }
      }
      // Only the bookkeeping is racy: add without checkout under the lock, populate the tree after it.
      const args = exists
        ? ["worktree", "add", "--no-checkout", "--end-of-options", req.path, req.branch]
        : [
            "worktree",
            "add",
            "--no-checkout",
            "--no-track",
            "-b",
            req.branch,
            "--end-of-options",
            req.path,
            startCommit,
          ];
      let result = await git(req.mainRepo, args, req.control);
      for (
        let retry = 0;
        retry < 3 && result.exitCode !== 0 && !result.cancelled && TRANSIENT.test(result.stderr);
        retry++
      )
        result = await git(req.mainRepo, args, req.control);
      if (result.exitCode !== 0) {
        // An interrupted add removes its own half-made worktree (git's signal handler); prune the entry.
        if (result.cancelled && !existsSync(req.path)) await removeStaleEntry(req.mainRepo, req.path);
        if (!exists) {
          const now = await git(req.mainRepo, [
            "rev-parse",
            "--verify",
            "--quiet",
            `refs/heads/${req.branch}`,
          ]);
          if (now.exitCode === 0 && now.stdout === startCommit)
            await git(req.mainRepo, ["branch", "-D", "--end-of-options", req.branch]);
        }
        if (result.cancelled) throw interrupted(req.name);
        throw new WorktreeError(
          "E_WORKTREE_ADD",
          `git worktree add for "${req.name}" failed: ${result.stderr}`,
        );
      }
      assertRealInside(req.basePath, req.path, req.name);
      markHalfBuilt(req.path, "create", req.runId);
      updateRegistry(req.commonDir, (entries) => [
        ...entries.filter((e) => e.path !== req.path),
        { path: req.path, branch: req.branch, createdBranch: !exists, startCommit, createdAt: timestamp() },
      ]);
      return { createdBranch: !exists, startCommit };
    },
    req.control?.signal,
  );
}

/**
 * Lock a worktree against pruning by other tools while Grove uses it. This is what
 * `git worktree lock --reason` does: the reason, as a line, in the `locked` file of the worktree's
 * entry (`<common>/worktrees/<id>`), which `git worktree list` shows and `prune`/`remove` respect.
 * Written here (created exclusively) rather than by a git process: lock and unlock were two of the
 * four processes a 1-scenario run starts. Without an entry for the path, git is asked, and says why.
 */
export async function lockWorktree(
  mainRepo: string,
  commonDir: string,
  path: string,
  reason: string,
): Promise<boolean> {
  return withRepoLock(commonDir, async () => {
    const adminDir = findAdminDir(commonDir, path);
    if (adminDir !== undefined)
      try {
        writeFileSync(join(adminDir, "locked"), `${reason}\n`, { flag: "wx" });
        return true;
      } catch (error) {
        // Someone else holds a lock: that lock is theirs, so Grove must never unlock it.
        if ((error as NodeJS.ErrnoException).code === "EEXIST") return false;
      }
    const r = await git(mainRepo, ["worktree", "lock", "--reason", reason, "--end-of-options", path]);
    return r.exitCode === 0;
  });
}

/** Undoes lockWorktree (`git worktree unlock`: removes the entry's `locked` file). */
export async function unlockWorktree(mainRepo: string, commonDir: string, path: string): Promise<void> {
  await withRepoLock(commonDir, async () => {
    const adminDir = findAdminDir(commonDir, path);
    if (adminDir !== undefined)
      try {
        rmSync(join(adminDir, "locked"), { force: true });
        return;
      } catch {}
    await git(mainRepo, ["worktree", "unlock", "--end-of-options", path]);
  });
}

/**
 * A directory deleted by hand leaves git's entry for it, and `worktree add` refuses a registered path.
 * Only that one entry is cleared, and only when it holds nothing (a detached HEAD's commits, a lock, an
 * operation in progress); otherwise the error says what it holds and how to recover it.
 */
async function clearMissingEntry(req: CreateRequest): Promise<void> {
  if (existsSync(req.path)) return;
  const admin = findAdminDir(req.commonDir, req.path);
  if (!admin) return;
  const held = await staleEntryReasons(req.mainRepo, admin, req.path);
  if (held.length)
    throw new WorktreeError(
      "E_STALE_ENTRY",
      `${req.path} was deleted, but git's entry for it still holds work (${held.join("; ")}); restore it with "git worktree add --force ${req.path}" and a "git checkout" of that work, or drop it with "git worktree remove --force --force ${req.path}"`,
    );
  await removeStaleEntry(req.mainRepo, req.path);
}
