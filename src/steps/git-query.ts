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

const OBJECT_ID = /^(?:[0-9a-f]{40}|[0-9a-f]{64})$/;

/**
 * What `<commonDir>/refs/heads/<branch>` or packed-refs say the branch points at: its commit, `null`
 * when neither has it, undefined when the files cannot tell exactly (reftable storage, a symbolic
 * ref, a name that is not a plain path under refs/heads): then git is asked.
 */
function branchHeadFromFiles(commonDir: string, branch: string): string | null | undefined {
  if (branch.split("/").some((part) => part === "" || part === "." || part === "..")) return undefined;
  let loose: string | undefined;
  try {
    loose = readFileSync(join(commonDir, "refs", "heads", branch), "utf8");
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code !== "ENOENT" && code !== "ENOTDIR") return undefined;
  }
  if (loose !== undefined) {
    const id = loose.trim();
    return OBJECT_ID.test(id) ? id : undefined;
  }
  try {
    if (statSync(join(commonDir, "reftable")).isDirectory()) return undefined;
  } catch {}
  let packed: string;
  try {
    packed = readFileSync(join(commonDir, "packed-refs"), "utf8");
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "ENOENT" ? null : undefined;
  }
  const line = packed.split("\n").find((l) => l.endsWith(` refs/heads/${branch}`) && !l.startsWith("#"));
  if (line === undefined) return null;
  const id = line.slice(0, line.indexOf(" "));
  return OBJECT_ID.test(id) ? id : undefined;
}

/**
 * The commit `refs/heads/<branch>` points at, or undefined when there is no such branch: what
 * `git rev-parse --verify --quiet refs/heads/<branch>` prints, read from the ref files where they tell
 * exactly (a git process costs a run ~5 ms of its one thread per worktree at its end).
 */
export async function branchHead(
  mainRepo: string,
  commonDir: string,
  branch: string,
): Promise<string | undefined> {
  const fromFiles = branchHeadFromFiles(commonDir, branch);
  if (fromFiles !== undefined) return fromFiles ?? undefined;
  const r = await git(mainRepo, ["rev-parse", "--verify", "--quiet", `refs/heads/${branch}`]);
  return r.exitCode === 0 ? r.stdout : undefined;
}
