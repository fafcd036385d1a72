/**
 * Rules for names that become paths or git refs. A worktree name is one path component under the
 * base directory and one component of a branch name; nothing here touches the filesystem or git.
 */

/** Why `name` is not usable as a worktree name, or undefined when it is. */
export function worktreeNameProblem(name: string): string | undefined {
  if (name.startsWith("/") || /^[A-Za-z]:[\\/]/.test(name)) return "is an absolute path";
  if (name === "." || name === ".." || name.includes(".."))
    return 'contains ".." (it would leave the base path)';
  if (name.includes("/") || name.includes("\\")) return "contains a path separator";
  if (name.startsWith("-")) return 'starts with "-" (it would be read as an option)';
  if (name.startsWith(".")) return 'starts with "."';
  const refProblem = refComponentProblem(name);
  if (refProblem) return refProblem;
  return undefined;
}

/** git check-ref-format's rules for one component, as far as they can be checked without git. */
function refComponentProblem(component: string): string | undefined {
  if (component === "") return "is empty";
  if (/[\x00-\x20\x7f~^:?*[\\]/.test(component))
    return "contains a space, control character or one of ~ ^ : ? * [ \\";
  if (component.endsWith(".lock")) return 'ends with ".lock"';
  if (component.endsWith(".")) return 'ends with "."';
  if (component.includes("@{")) return 'contains "@{"';
  if (component === "@") return 'is "@"';
  return undefined;
}

/** Why `branch` is not a usable branch name (before asking git), or undefined. */
export function branchNameProblem(branch: string): string | undefined {
  if (branch.startsWith("-")) return 'starts with "-"';
  if (branch.includes("..")) return 'contains ".."';
  if (branch.startsWith("/") || branch.endsWith("/") || branch.includes("//"))
    return "has an empty path component";
  for (const part of branch.split("/")) {
    if (part.startsWith(".")) return `component "${part}" starts with "."`;
    const p = refComponentProblem(part);
    if (p) return `component "${part}" ${p}`;
  }
  if (branch === "HEAD") return 'is "HEAD"';
  return undefined;
}

/** The original's slug: underscores become dashes (feature/test-<wt with _ replaced by ->). */
export function worktreeSlug(name: string): string {
  return name.replace(/_/g, "-");
}
