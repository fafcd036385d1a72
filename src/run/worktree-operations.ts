/**
 * The worktree lifecycle without scenarios, shared by `grove worktrees` and the `Coordinator` API:
 * list (the readiness verdict of steps/worktree-readiness.ts plus facts for people), set up and pull
 * (the worktree machines of worktree-lifecycle.ts), clean (the cleanup step the machines' `cleaning`
 * state runs). It prints nothing and never exits: callers render the results.
 *
 * Set-up and pull are runs as `grove run` is: registered in the run registry, with every process group
 * they start journalled in their run directory, so that when one is killed (kill -9) the next Grove
 * command ends what it left and releases its leases (run/dead-runs.ts); what a setup step leaves
 * running is a leak, reported (`leak-found`) and ended. Clean takes each worktree's
 * lease while it looks and removes, so it never removes a worktree another live Grove process is using.
 */
import { join } from "node:path";
import { newRunDir, runsDir } from "../config/grove-dir.js";
import type { Pipeline } from "../config/types.js";
import {
  type EventListener,
  type ResourceLeak,
  type SkipCause,
  timestamp,
  type WorktreeReport,
  type WorktreeState,
} from "../events.js";
import { ownerOf, releaseClaim, tryClaim } from "../resources/owner-file.js";
import { readCommandLine } from "../resources/process-table.js";
import { withRunSession } from "../resources/run-session.js";
import { branchFor } from "../steps/branch-for.js";
import { containsRef } from "../steps/linked-worktree-git.js";
import { type CleanupOutcome, cleanupWorktree } from "../steps/worktree-cleanup.js";
import { describeHolder, type Lease, leaseFile } from "../steps/worktree-lease.js";
import { startWorktrees } from "../steps/worktree-lifecycle.js";
import { commonGitDir, worktreePath } from "../steps/worktree-paths.js";
import { assessWorktree, setupWouldRun, type WorktreeVerdict } from "../steps/worktree-readiness.js";
import type { SetupRecord } from "../steps/worktree-setup.js";
import { readTreeState } from "../steps/worktree-tree-state.js";
import { disposableMatcher } from "../util/glob-match.js";
import { newRunId } from "./execute-run.js";

/** Where the worktrees are and how they are made. */
export interface WorktreeScope {
  mainRepo: string;
  basePath: string;
  pipeline: Pipeline;
  /** Where a setup or pull writes its run directory (default `<main-repo>/.grove/runs`). */
  runsDir?: string;
}

/** One worktree as `grove worktrees` lists it: the verdict, then facts that do not change it. */
export interface WorktreeListing {
  name: string;
  path: string;
  /** The branch checked out there, or the pipeline's branch for it when there is no worktree yet. */
  branch: string;
  state: WorktreeState;
  setup: SetupRecord | "none";
  /** Why it is not ready. */
  detail?: string;
  /** Adopted, on another branch, setup changed, uncommitted work, behind the coordinator ref. */
  notes: string[];
  /** What `grove worktrees setup` (`--setup-worktrees`) would do: `create`, `setup` or nothing. */
  setupAction?: "create" | "setup";
}

/** The verdict on each worktree, with what setup would do; runs the verify checks, changes nothing. */
export async function listWorktrees(
  scope: WorktreeScope,
  names: readonly string[],
  coordinatorRef?: string,
): Promise<WorktreeListing[]> {
  const commonDir = await commonGitDir(scope.mainRepo);
  const logDir = join(scope.runsDir ?? runsDir(scope.mainRepo), "worktree-checks");
  return Promise.all(
    names.map(async (name): Promise<WorktreeListing> => {
      const path = worktreePath(scope.basePath, name);
      const expected = branchFor(scope.pipeline, name);
      const verdict = await assessWorktree({
        mainRepo: scope.mainRepo,
        commonDir,
        worktree: path,
        name,
        branch: expected,
        logDir,
        killGraceMs: scope.pipeline.test.killGrace * 1000,
        setup: scope.pipeline.worktree.setup,
        verify: scope.pipeline.worktree.verify,
      });
      const notes = [...verdict.notes, ...(await facts(scope, path, verdict, coordinatorRef))];
      return {
        name,
        path,
        branch: verdict.checkedOut === undefined ? expected : (verdict.checkedOut ?? "(detached HEAD)"),
        state: verdict.state,
        setup: verdict.setup,
        ...(verdict.detail ? { detail: verdict.detail } : {}),
        notes,
        ...(setupWouldRun(verdict)
          ? {
              setupAction:
                verdict.state === "worktree-missing" || verdict.setup === "half-created"
                  ? ("create" as const)
                  : ("setup" as const),
            }
          : {}),
      };
    }),
  );
}

/** Uncommitted work and whether the coordinator ref is merged: shown, never part of the verdict. */
async function facts(
  scope: WorktreeScope,
  path: string,
  verdict: WorktreeVerdict,
  ref: string | undefined,
): Promise<string[]> {
  if (verdict.checkedOut === undefined) return [];
  const out: string[] = [];
  const work = await readTreeState(
    scope.mainRepo,
    path,
    disposableMatcher(scope.pipeline.worktree.disposable),
  ).catch(() => undefined);
  // Staged, unstaged, intent-to-add, conflicted and skip-worktree/assume-unchanged edits all count.
  const changed = work
    ? work.staged + work.modified + work.intentToAdd + work.conflicted + work.hidden.length
    : 0;
  if (work && (changed || work.untracked))
    out.push(`uncommitted work: ${changed} changed, ${work.untracked} untracked`);
  if (ref && (await containsRef(path, ref).catch(() => undefined)) === false)
    out.push(`does not contain ${ref} (grove worktrees pull merges it)`);
  return out;
}

export interface LifecycleOptions {
  onEvent?: EventListener;
  /** Ref to pull (overrides the pipeline's pull.from). */
  coordinatorRef?: string;
  /** Abort to interrupt (like Ctrl-C): running steps are ended (TERM, grace, KILL). */
  signal?: AbortSignal;
  /** Abort to end every process group at once with SIGKILL (a second Ctrl-C). */
  hardStop?: AbortSignal;
  /** Told the run id and directory before anything starts. */
  onStart?(runId: string, runDir: string): void;
}

/** What one worktree came to after `setupWorktrees` / `pullWorktrees`. */
export interface WorktreeOutcome extends WorktreeReport {
  ready: boolean;
  /** Set when it is not ready: the same cause a run would skip its scenarios with. */
  problem?: SkipCause;
  /** Processes its setup steps left running (reported and ended). */
  leaks?: ResourceLeak[];
}

/**
 * Runs the worktree machines to `ready` or a problem, then releases them (nothing is removed).
 * `setup`: create missing worktrees and set up where the verdict asks for it; `pull`: merge the
 * coordinator ref.
 */
export async function driveWorktrees(
  scope: WorktreeScope,
  names: readonly string[],
  what: { setup: boolean; pull: boolean },
  options: LifecycleOptions = {},
): Promise<WorktreeOutcome[]> {
  const runId = newRunId();
  const runDir = scope.runsDir ? join(scope.runsDir, runId) : newRunDir(scope.mainRepo, runId);
  const problems = new Map<string, SkipCause>();
  const session = {
    commonDir: await commonGitDir(scope.mainRepo),
    runId,
    runDir,
    keepLeaks: false,
    killGraceMs: scope.pipeline.test.killGrace * 1000,
    onLeak: (leak: ResourceLeak) => options.onEvent?.({ type: "leak-found", at: timestamp(), leak }),
    ...(options.hardStop ? { hardStop: options.hardStop } : {}),
  };
  return withRunSession(session, async ({ groups, tracker }) => {
    options.onStart?.(runId, runDir);
    const lifecycle = await startWorktrees({
      mainRepo: scope.mainRepo,
      basePath: scope.basePath,
      pipeline: scope.pipeline,
      runId,
      runDir,
      worktrees: names,
      setup: what.setup,
      pull: what.pull,
      ...(options.coordinatorRef ? { coordinatorRef: options.coordinatorRef } : {}),
      ...(options.onEvent ? { onEvent: options.onEvent } : {}),
      onReady: () => {},
      onFailed: (name, cause) => problems.set(name, cause),
      onSpawn: groups.started,
      onExit: groups.ended,
      afterSetupCommand: (end) => tracker.sweepSetup(end),
    });
    const cancel = () => lifecycle.cancel();
    if (options.signal?.aborted) cancel();
    options.signal?.addEventListener("abort", cancel, { once: true });
    try {
      const reports = await lifecycle.finish(false);
      await tracker.flush();
      return reports.map((r) => {
        const problem = problems.get(r.name);
        const leaks = tracker.leaks.filter((l) => l.worktree === r.name);
        return {
          ...r,
          ready: problem === undefined,
          ...(problem ? { problem } : {}),
          ...(leaks.length ? { leaks } : {}),
        };
      });
    } finally {
      options.signal?.removeEventListener("abort", cancel);
    }
  });
}

/** One worktree's cleanup: removed, kept (with the reasons) or not Grove's to remove. */
export interface CleanResult {
  name: string;
  path: string;
  outcome: CleanupOutcome;
}

/** Removes the worktrees Grove created, keeping any that hold work; `dryRun` only says what would happen. */
export async function cleanWorktrees(
  scope: WorktreeScope,
  names: readonly string[],
  dryRun = false,
): Promise<CleanResult[]> {
  const commonDir = await commonGitDir(scope.mainRepo);
  const me = ownerOf(`clean-${newRunId()}`);
  const results: CleanResult[] = [];
  for (const name of names) {
    const path = worktreePath(scope.basePath, name);
    // Held while it looks and removes: a run that is setting it up or testing in it keeps it.
    const lease = leaseFile(commonDir, path);
    const holder: Lease = { ...me, path };
    const claim = tryClaim(lease, holder);
    if (claim.kind === "held") {
      const command = readCommandLine(claim.by.pid);
      results.push({
        name,
        path,
        outcome: {
          kind: "kept",
          reasons: [
            `in use by ${describeHolder(claim.by)}${command ? `: ${command}` : ""}; clean it once that has ended`,
          ],
        },
      });
      continue;
    }
    try {
      const outcome = await cleanupWorktree({
        mainRepo: scope.mainRepo,
        commonDir,
        path,
        disposable: scope.pipeline.worktree.disposable,
        deleteBranch: scope.pipeline.cleanup.deleteBranches,
        removeWorktrees: scope.pipeline.cleanup.removeWorktrees,
        prune: scope.pipeline.cleanup.prune,
        dryRun,
      });
      results.push({ name, path, outcome });
    } finally {
      releaseClaim(lease, me);
    }
  }
  return results;
}
