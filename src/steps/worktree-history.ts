/**
 * Which commits and stashes live only through one worktree. A commit is safe when a ref that outlives
 * the worktree holds it: any branch, remote-tracking ref or tag, except the branch cleanup is about to
 * delete. Whatever HEAD points at (a branch, a detached commit) is checked, not only Grove's branch.
 * Other worktrees' HEADs, reflogs and refs/stash do not count as holding a commit. Does not look at
 * files (worktree-tree-state.ts).
 */
import { git } from "./git.js";

/** The commits and stashes that live only through one worktree. */
export interface History {
  /** Commits reachable from HEAD (or the dying branch) that no outliving ref holds. */
  unpushedCommits: number;
  /** HEAD is detached (its commits have no branch of their own). */
  detached: boolean;
  /** `stash@{n}` entries whose base commit is in this worktree. */
  stashes: string[];
  unknown: string[];
}

/** `rev-list` arguments naming every ref that outlives the worktree (`--exclude` takes the short name). */
function outliving(dyingBranch: string | undefined): string[] {
  return ["--not", ...(dyingBranch ? [`--exclude=${dyingBranch}`] : []), "--branches", "--remotes", "--tags"];
}

/**
 * The history only this worktree holds, asked in `cwd` (the worktree), or with `gitDir` set to its
 * admin directory (`<common>/worktrees/<id>`) once its directory is gone.
 */
export async function readHistory(
  cwd: string,
  dyingBranch: string | undefined,
  gitDir?: string,
): Promise<History> {
  const run = (args: string[]) => git(cwd, gitDir ? ["--git-dir", gitDir, ...args] : args);
  const out: History = { unpushedCommits: 0, detached: false, stashes: [], unknown: [] };
  const symbolic = await run(["symbolic-ref", "-q", "HEAD"]);
  out.detached = symbolic.exitCode !== 0;
  const current = symbolic.exitCode === 0 ? symbolic.stdout.replace(/^refs\/heads\//, "") : undefined;
  const headCommit = await run(["rev-parse", "-q", "--verify", "HEAD^{commit}"]);
  // An unborn branch (`switch --orphan`) has no commits; its files are the tree state's business.
  if (headCommit.exitCode !== 0 && out.detached)
    out.unknown.push(`HEAD does not name a commit: ${headCommit.stderr || "rev-parse failed"}`);
  const dyingExists =
    dyingBranch !== undefined &&
    (await run(["rev-parse", "-q", "--verify", `refs/heads/${dyingBranch}`])).exitCode === 0;
  const tips = [
    ...(headCommit.exitCode === 0 ? [headCommit.stdout] : []),
    ...(dyingExists ? [`refs/heads/${dyingBranch}`] : []),
  ];
  let unique = new Set<string>();
  if (tips.length) {
    const r = await run(["rev-list", ...tips, ...outliving(dyingBranch), "--"]);
    if (r.exitCode !== 0) out.unknown.push(`could not list the commits only HEAD holds: ${r.stderr}`);
    else unique = new Set(r.stdout.split("\n").filter(Boolean));
    out.unpushedCommits = unique.size;
  }
  const stashes = await run(["stash", "list", "--format=%gd%x00%P%x00%gs"]);
  if (stashes.exitCode !== 0) {
    out.unknown.push(`could not list stashes: ${stashes.stderr}`);
    return out;
  }
  const names = new Set([current, dyingBranch].filter((n): n is string => n !== undefined));
  for (const line of stashes.stdout.split("\n")) {
    if (!line) continue;
    const [ref, parents = "", subject = ""] = line.split("\0");
    const base = parents.split(" ")[0];
    if (!ref || !base) continue;
    if (unique.has(base)) out.stashes.push(ref);
    else if (headCommit.exitCode === 0 && stashNamesThisHead(subject, names, out.detached)) {
      // Based on a commit others hold too (a fresh worktree stashes on main's tip): ancestry says it
      // could be this worktree's, the message says on which branch it was made.
      const isAncestor = await run(["merge-base", "--is-ancestor", base, headCommit.stdout]);
      if (isAncestor.exitCode === 0) out.stashes.push(ref);
      else if (isAncestor.exitCode !== 1) out.unknown.push(`could not place ${ref}: ${isAncestor.stderr}`);
    }
  }
  return out;
}

/** "WIP on <branch>: ..." / "On <branch>: ..."; a detached HEAD stashes as "(no branch)". */
function stashNamesThisHead(subject: string, names: ReadonlySet<string>, detached: boolean): boolean {
  const m = /^(?:WIP on|On) (.+?): /.exec(subject);
  if (!m) return false;
  return m[1] === "(no branch)" ? detached : names.has(m[1]!);
}

/**
 * Commits reachable from `branch` and from no other branch, remote-tracking ref or tag. Fails safe:
 * when git cannot answer, it reports one commit so that nothing is deleted.
 */
export async function commitsOnlyOn(mainRepo: string, branch: string): Promise<number> {
  const r = await git(mainRepo, ["rev-list", "--count", `refs/heads/${branch}`, ...outliving(branch), "--"]);
  const n = Number(r.stdout);
  return r.exitCode === 0 && Number.isInteger(n) ? n : 1;
}
