/**
 * How to let cleanup remove a worktree that files keep, said beside the kept reasons (which stay
 * exactly as docs/worktrees.md lists them). Files a setup step writes in the worktree (a marker, a
 * build directory) are the usual case: Grove cannot tell them from the user's own files, and never
 * deletes what it cannot prove disposable, so the pipeline has to say so. Reads only the reasons'
 * documented forms ("N untracked: <paths>", "ignored but not disposable: <paths>").
 */

const UNTRACKED = /^\d+ untracked: (.+)$/;
const IGNORED = /^ignored but not disposable: (.+)$/;

/** One line per kind of file that keeps the worktree and that configuration can make disposable. */
export function keptWorktreeFixes(reasons: readonly string[]): string[] {
  const out: string[] = [];
  for (const reason of reasons) {
    const ignored = IGNORED.exec(reason)?.[1];
    if (ignored !== undefined)
      out.push(
        `if a setup step writes ${ignored}, list it under worktree.disposable in the pipeline so cleanup may delete it`,
      );
    const untracked = UNTRACKED.exec(reason)?.[1];
    if (untracked !== undefined)
      out.push(
        `if a setup step writes ${untracked}, ignore it (.gitignore) and list it under worktree.disposable in the pipeline; if it is your work, commit or move it`,
      );
  }
  return out;
}
