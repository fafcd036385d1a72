/** Read-only git questions: from the filesystem where that is exact, else native git (argument arrays). */
import { readFileSync, realpathSync, statSync } from "node:fs";
import { dirname, join } from "node:path";
import { git } from "./git.js";

/** A `.git` directory with a HEAD, or a `.git` file pointing at one (linked worktrees, submodules). */
function isGitEntry(path: string): boolean {
  try {
    if (statSync(path).isDirectory()) return statSync(join(path, "HEAD")).isFile();
    return readFileSync(path, "utf8").startsWith("gitdir: ");
  } catch {
    return false;
  }
}

/**
 * The top level of the work tree containing `cwd` (symlinks resolved, as git prints it), or undefined
 * outside a repository. Found by walking up to the nearest `.git`, which is what git does, without
 * starting a process; when GIT_DIR or GIT_WORK_TREE redirect git, git itself is asked.
 */
export async function gitTopLevel(cwd: string): Promise<string | undefined> {
  if (process.env.GIT_DIR || process.env.GIT_WORK_TREE) return askGit(cwd);
  let dir: string;
  try {
    dir = realpathSync(cwd);
  } catch {
    return undefined;
  }
  for (;;) {
    if (isGitEntry(join(dir, ".git"))) return dir;
    const up = dirname(dir);
    if (up === dir) return undefined;
    dir = up;
  }
}

async function askGit(cwd: string): Promise<string | undefined> {
  const r = await git(cwd, ["rev-parse", "--show-toplevel"]);
  return r.exitCode === 0 ? r.stdout : undefined;
}
