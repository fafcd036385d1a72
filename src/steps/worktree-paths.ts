/**
 * Where a worktree lives: `resolve(base, name)`, refused when it leaves the base directory (checked
 * before any git command runs, and again with realpath after creation), and the repository's common git dir.
 */
import { existsSync, realpathSync } from "node:fs";
import { isAbsolute, join, relative, resolve, sep } from "node:path";
import { worktreeNameProblem } from "../config/names.js";
import { WorktreeError } from "../errors.js";
import { gitOrThrow } from "./git.js";
import { gitDirsOf } from "./git-dirs.js";

export function worktreePath(basePath: string, name: string): string {
  const problem = worktreeNameProblem(name);
  if (problem)
    throw new WorktreeError(
      "E_WORKTREE_NAME",
      `worktree name "${name}" ${problem}; refusing to touch anything`,
    );
  const path = resolve(basePath, name);
  assertInside(basePath, path, name);
  return path;
}

function assertInside(basePath: string, path: string, name: string): void {
  const rel = relative(resolve(basePath), path);
  if (rel === "" || rel.startsWith(`..${sep}`) || rel === ".." || isAbsolute(rel)) {
    throw new WorktreeError(
      "E_WORKTREE_ESCAPE",
      `worktree "${name}" resolves to ${path}, outside the base path ${basePath}`,
    );
  }
}

/** After creation: the real path must still be inside the real base (no symlink escape). */
export function assertRealInside(basePath: string, path: string, name: string): void {
  assertInside(realpathSync(basePath), realpathSync(path), name);
}

/** The repository's common git dir: read from `.git` at the top of a work tree, else asked of git. */
export async function commonGitDir(repo: string): Promise<string> {
  if (!process.env.GIT_DIR && existsSync(join(repo, ".git"))) return gitDirsOf(repo).commonDir;
  return gitOrThrow(
    repo,
    ["rev-parse", "--path-format=absolute", "--git-common-dir"],
    "finding the git directory",
  );
}
