/**
 * The one verdict on whether a worktree is ready: `grove worktrees`, `grove worktrees setup`,
 * `grove run` and the API's `verifyWorktreeSetup` all call `assessWorktree`, so the list can never say
 * `ready` where the run says `verify-failed`. A linked worktree of this repository that passes the
 * pipeline's verify checks is used as it is, whoever made it (by hand, the original coordinator,
 * Grove). This file decides; it changes nothing (only `run` checks start processes) and it does not
 * decide what to do about a problem (the worktree machine does, e.g. set up with --setup-worktrees).
 */
import type { Check, Step } from "../config/types.js";
import type { WorktreeProblem } from "../events.js";
import { git } from "./git.js";
import { indexHasNoUnmergedEntries } from "./index-conflicts.js";
import { probeWorktree } from "./worktree-create.js";
import {
  halfBuiltStage,
  readSetupRecord,
  runChecks,
  type SetupContext,
  type SetupRecord,
} from "./worktree-setup.js";

/** The problems `assessWorktree` can find (the others arise while creating, setting up or pulling). */
export type ReadinessProblem = Extract<
  WorktreeProblem,
  "worktree-missing" | "not-a-worktree" | "not-set-up" | "verify-failed" | "merge-conflict"
>;

export interface WorktreeVerdict {
  state: "ready" | ReadinessProblem;
  /** What Grove recorded about setup there; `none` when the pipeline has no setup steps. */
  setup: SetupRecord | "none";
  /** The branch checked out there; null on a detached HEAD; undefined when there is no worktree. */
  checkedOut?: string | null;
  /** Why it is not ready (empty when it is). */
  detail: string;
  /** Facts that do not change the verdict: adopted, on another branch, setup definition changed. */
  notes: string[];
}

export interface ReadinessRequest extends SetupContext {
  /** The repository's common git dir (a worktree of another repository is not ours). */
  commonDir: string;
  setup: readonly Step[];
  verify: readonly Check[];
}

/** Whether `--setup-worktrees` would create the worktree or (re)run its setup. */
export function setupWouldRun(v: WorktreeVerdict): boolean {
  return (
    v.state === "worktree-missing" ||
    v.setup === "half-created" ||
    v.state === "not-set-up" ||
    v.state === "verify-failed" ||
    (v.state === "ready" && v.setup === "changed")
  );
}

/**
 * Decides readiness, in this order: there is a worktree of this repository at the path; no unmerged
 * files; Grove's setup did not stop half-way; something shows setup is not needed (verify checks, or a
 * finished setup, or no setup steps at all); the verify checks pass.
 */
export async function assessWorktree(req: ReadinessRequest): Promise<WorktreeVerdict> {
  const presence = await probeWorktree(req.worktree, req.commonDir);
  if (presence.kind === "missing")
    return {
      state: "worktree-missing",
      setup: req.setup.length ? "never" : "none",
      detail: `no worktree at ${req.worktree}`,
      notes: [],
    };
  if (presence.kind === "foreign")
    return { state: "not-a-worktree", setup: "never", detail: presence.detail, notes: [] };
  const checkedOut = presence.branch ?? null;
  const record = readSetupRecord(req.worktree, req.setup);
  const halfway = record === "half-built" || record === "half-created";
  const setup = req.setup.length === 0 && !halfway ? "none" : record;
  const notes: string[] = [];
  if (checkedOut !== req.branch)
    notes.push(
      `on ${checkedOut ?? "a detached HEAD"}, not ${req.branch} (the pipeline's worktree.branch); used as it is`,
    );
  const verdict = (state: WorktreeVerdict["state"], detail = ""): WorktreeVerdict => ({
    state,
    setup,
    checkedOut,
    detail,
    notes,
  });

  const unmerged = await unmergedFiles(req.worktree);
  if (unmerged === undefined) return verdict("verify-failed", `git cannot read the index of ${req.worktree}`);
  if (unmerged.length)
    return verdict(
      "merge-conflict",
      `unmerged files: ${unmerged.slice(0, 5).join(", ")}${unmerged.length > 5 ? ", ..." : ""}; resolve and commit, or abort the merge`,
    );
  if (setup === "half-created" || setup === "half-built") {
    const runId = halfBuiltStage(req.worktree)?.runId;
    const run = runId && runId !== "unknown" ? `run ${runId}` : "an earlier run";
    return verdict(
      "not-set-up",
      setup === "half-created"
        ? `Grove's creation of it in ${run} was interrupted (half-created: the checkout did not finish)`
        : `Grove's setup began here in ${run} and did not finish (interrupted, or a step failed)`,
    );
  }
  if (setup === "never" && req.verify.length === 0)
    return verdict(
      "not-set-up",
      "setup has not run here, and the pipeline has no verify checks to show it is not needed",
    );
  const checks = await runChecks(req.verify, req);
  if (!checks.ok) return verdict("verify-failed", checks.detail);
  if (setup === "never") notes.push("set up outside Grove: verify checks pass, so it is used as it is");
  if (setup === "changed") notes.push("the setup definition changed since Grove ran it here");
  return verdict("ready");
}

/** Paths with unmerged index entries (a conflicted merge, rebase, cherry-pick or stash pop). */
async function unmergedFiles(worktree: string): Promise<string[] | undefined> {
  if (indexHasNoUnmergedEntries(worktree)) return [];
  const r = await git(worktree, ["ls-files", "--unmerged", "-z"]);
  if (r.exitCode !== 0) return undefined;
  const paths = r.stdout
    .split("\0")
    .filter(Boolean)
    .map((entry) => entry.slice(entry.indexOf("\t") + 1));
  return [...new Set(paths)];
}
