/**
 * Pulling coordinator changes into a worktree, non-interactively: refuse a dirty tree (unless
 * autostash), optionally fetch the remote, then merge | ff-only | rebase the `from` ref. A conflict is
 * aborted so the tree is exactly as before, and the conflicting files are listed.
 */
import type { PullStrategy } from "../config/types.js";
import { git } from "./git.js";

export type PullOutcome =
  | { kind: "up-to-date" }
  | { kind: "updated"; head: string }
  | { kind: "conflict"; files: string[] }
  | { kind: "refused"; detail: string }
  | { kind: "failed"; detail: string };

export interface PullRequest {
  worktree: string;
  from: string;
  remote?: string;
  strategy: PullStrategy;
  autostash: boolean;
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
    const fetch = await git(req.worktree, ["fetch", "--no-tags", "--end-of-options", req.remote, req.from]);
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
  const r = await git(req.worktree, args);
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
