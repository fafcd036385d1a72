/**
 * Pulling coordinator changes into a worktree, non-interactively: refuse a dirty tree (unless
 * autostash), optionally fetch the remote, then merge | ff-only | rebase the `from` ref. A conflict is
 * aborted so the tree is exactly as before, and the conflicting files are listed. So is a merge or
 * rebase interrupted midway (Ctrl-C): no conflict markers, no MERGE_HEAD, no rebase in progress.
 * While a merge or rebase runs, a marker in the worktree's git dir names the run and the HEAD before
 * it, so that when Grove itself is killed meanwhile, the next Grove command undoes it too
 * (`undoDeadRunPulls`, called by run/dead-runs.ts once the dead run's processes are ended).
 */
import { existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { PullStrategy } from "../config/types.js";
import { type GitOptions, git } from "./git.js";

export type PullOutcome =
  | { kind: "up-to-date" }
  | { kind: "updated"; head: string }
  | { kind: "conflict"; files: string[] }
  | { kind: "refused"; detail: string }
  | { kind: "failed"; detail: string }
  | { kind: "cancelled"; detail: string };

export interface PullRequest {
  worktree: string;
  from: string;
  remote?: string;
  strategy: PullStrategy;
  autostash: boolean;
  /** Abort (Ctrl-C) and process-group bookkeeping for the fetch and the merge. */
  control?: GitOptions;
  /** The run pulling: named in the in-progress marker. */
  runId?: string;
}

/** The in-progress marker, in the worktree's own git dir. */
const PULL_MARKER = "grove-pull.json";

interface PullMarker {
  run_id: string;
  worktree: string;
  head_before: string;
}

export async function pullCoordinator(req: PullRequest): Promise<PullOutcome> {
  if (req.from.startsWith("-") || req.remote?.startsWith("-"))
    return { kind: "refused", detail: "refs and remotes may not start with '-'" };
  if (!req.autostash) {
    const status = await git(req.worktree, ["status", "--porcelain=v2", "--untracked-files=no"]);
    const changed = status.stdout.split("\n").filter(Boolean).length;
    if (changed > 0)
      return {
        kind: "refused",
        detail: `${changed} uncommitted change(s); commit or stash them, or set pull.autostash`,
      };
  }
  let ref = req.from;
  if (req.remote) {
    const fetch = await git(
      req.worktree,
      ["fetch", "--no-tags", "--end-of-options", req.remote, req.from],
      req.control,
    );
    if (fetch.cancelled) return { kind: "cancelled", detail: "interrupted during git fetch" };
    if (fetch.exitCode !== 0)
      return { kind: "failed", detail: `git fetch ${req.remote} ${req.from}: ${fetch.stderr}` };
    ref = "FETCH_HEAD";
  }
  const target = await git(req.worktree, [
    "rev-parse",
    "--verify",
    "--quiet",
    "--end-of-options",
    `${ref}^{commit}`,
  ]);
  if (target.exitCode !== 0)
    return {
      kind: "failed",
      detail: `coordinator ref "${req.from}" does not exist; set pull.from or --coordinator-ref`,
    };
  if (
    (await git(req.worktree, ["merge-base", "--is-ancestor", "--end-of-options", target.stdout, "HEAD"]))
      .exitCode === 0
  )
    return { kind: "up-to-date" };

  const stash = req.autostash ? ["--autostash"] : [];
  const args =
    req.strategy === "rebase"
      ? ["rebase", ...stash, "--end-of-options", target.stdout]
      : [
          "merge",
          "--no-edit",
          ...stash,
          ...(req.strategy === "ff-only" ? ["--ff-only"] : []),
          "-m",
          `Merge coordinator changes (${req.from})`,
          "--end-of-options",
          target.stdout,
        ];
  const headBefore = (await git(req.worktree, ["rev-parse", "HEAD"])).stdout;
  const gitDir = (await git(req.worktree, ["rev-parse", "--path-format=absolute", "--git-dir"])).stdout;
  const marker = gitDir ? join(gitDir, PULL_MARKER) : undefined;
  if (marker && req.runId !== undefined) {
    const record: PullMarker = { run_id: req.runId, worktree: req.worktree, head_before: headBefore };
    writeFileSync(marker, `${JSON.stringify(record)}\n`);
  }
  try {
    return await merge(req, args, headBefore);
  } finally {
    if (marker) rmSync(marker, { force: true });
  }
}

async function merge(req: PullRequest, args: string[], headBefore: string): Promise<PullOutcome> {
  const r = await git(req.worktree, args, req.control);
  if (r.cancelled) {
    await undoInterrupted(req.worktree, headBefore, r.forced === true);
    return { kind: "cancelled", detail: `interrupted during git ${args[0]}; it was aborted` };
  }
  if (r.exitCode === 0)
    return { kind: "updated", head: (await git(req.worktree, ["rev-parse", "HEAD"])).stdout };
  const conflicted = (await git(req.worktree, ["diff", "--name-only", "--diff-filter=U"])).stdout
    .split("\n")
    .filter(Boolean);
  if (req.strategy === "rebase") await git(req.worktree, ["rebase", "--abort"]);
  else if (conflicted.length > 0) await git(req.worktree, ["merge", "--abort"]);
  if (conflicted.length > 0) return { kind: "conflict", files: conflicted };
  return { kind: "failed", detail: `git ${args[0]}: ${r.stderr || r.stdout}` };
}

/**
 * Undoes the merges and rebases a dead run (`runId`) left half-done, found by their markers in the
 * worktrees' git dirs under `commonDir`; returns the worktrees it restored. Call only once the run's
 * processes are ended (a SIGKILLed git's index.lock is removed).
 */
export async function undoDeadRunPulls(commonDir: string, runId: string): Promise<string[]> {
  let names: string[];
  try {
    names = readdirSync(join(commonDir, "worktrees"));
  } catch {
    return [];
  }
  const undone: string[] = [];
  for (const name of names) {
    const marker = join(commonDir, "worktrees", name, PULL_MARKER);
    let record: PullMarker;
    try {
      record = JSON.parse(readFileSync(marker, "utf8")) as PullMarker;
    } catch {
      continue;
    }
    if (record.run_id !== runId || typeof record.worktree !== "string") continue;
    if (existsSync(record.worktree)) {
      await undoInterrupted(record.worktree, String(record.head_before), true);
      undone.push(record.worktree);
    }
    rmSync(marker, { force: true });
  }
  return undone;
}

/**
 * After git merge/rebase was ended by a signal: abort what it left in progress. A merge stopped before
 * it wrote MERGE_HEAD (e.g. in its pre-merge-commit hook) has already updated the index and files:
 * `reset --merge` undoes that, as `merge --abort` would, unless HEAD moved (the merge was done). An
 * autostash the merge made is kept in the stash list. A SIGKILLed git may leave its index.lock behind,
 * which would make the abort fail; only then is it removed (nothing else runs in the worktree: the run
 * holds its lease).
 */
async function undoInterrupted(worktree: string, headBefore: string, forced: boolean): Promise<void> {
  const gitDir = (await git(worktree, ["rev-parse", "--path-format=absolute", "--git-dir"])).stdout;
  if (!gitDir) return;
  if (forced) rmSync(join(gitDir, "index.lock"), { force: true });
  if (existsSync(join(gitDir, "rebase-merge")) || existsSync(join(gitDir, "rebase-apply"))) {
    await git(worktree, ["rebase", "--abort"]);
    return;
  }
  if (existsSync(join(gitDir, "MERGE_HEAD"))) await git(worktree, ["merge", "--abort"]);
  else if ((await git(worktree, ["rev-parse", "HEAD"])).stdout === headBefore)
    await git(worktree, ["reset", "--merge", "HEAD"]);
  const autostash = join(gitDir, "MERGE_AUTOSTASH");
  if (existsSync(autostash)) {
    const stash = readFileSync(autostash, "utf8").trim();
    await git(worktree, ["stash", "store", "-m", "grove: autostash of an interrupted merge", stash]);
    rmSync(autostash, { force: true });
  }
}
