/**
 * Checks a coordinator ref (from --coordinator-ref or pull.from) once, in the main repository, before
 * any worktree is touched: the same mistake would otherwise fail in every worktree at run time.
 */
import { git } from "./git.js";

/** A sentence saying what is wrong with `ref` (and `remote`), or undefined when it can be pulled. */
export async function coordinatorRefProblem(
  mainRepo: string,
  ref: string,
  remote: string | undefined,
): Promise<string | undefined> {
  if (ref.startsWith("-")) return `"${ref}" starts with "-" and would be read as an option`;
  if (remote !== undefined) {
    if (remote.startsWith("-")) return `remote "${remote}" starts with "-" and would be read as an option`;
    const url = await git(mainRepo, ["remote", "get-url", "--end-of-options", remote]);
    if (url.exitCode !== 0) return `there is no remote "${remote}" in ${mainRepo} (git remote -v lists them)`;
    const format = await git(mainRepo, ["check-ref-format", "--allow-onelevel", ref]);
    if (format.exitCode !== 0) return `"${ref}" is not a valid ref name (git check-ref-format)`;
    return undefined;
  }
  const verify = await git(mainRepo, [
    "rev-parse",
    "--verify",
    "--quiet",
    "--end-of-options",
    `${ref}^{commit}`,
  ]);
  if (verify.exitCode !== 0) return `"${ref}" names no commit in ${mainRepo} (git rev-parse --verify)`;
  return undefined;
}
