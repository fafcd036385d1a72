/**
 * What Grove created, kept in `<common-git-dir>/grove/created.json` so it outlives the process: cleanup
 * removes only worktrees and branches recorded here.
 */
import { mkdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { writeFileAtomic } from "../util/atomic-write.js";

export interface CreatedWorktree {
  path: string;
  branch: string;
  /** Grove created the branch (not only the worktree). */
  createdBranch: boolean;
  startCommit: string;
  createdAt: string;
}

const file = (commonGitDir: string) => join(commonGitDir, "grove", "created.json");

export function readRegistry(commonGitDir: string): CreatedWorktree[] {
  try {
    return JSON.parse(readFileSync(file(commonGitDir), "utf8")) as CreatedWorktree[];
  } catch {
    return [];
  }
}

export function updateRegistry(
  commonGitDir: string,
  change: (entries: CreatedWorktree[]) => CreatedWorktree[],
): void {
  mkdirSync(join(commonGitDir, "grove"), { recursive: true });
  writeFileAtomic(file(commonGitDir), `${JSON.stringify(change(readRegistry(commonGitDir)), null, 2)}\n`);
}
