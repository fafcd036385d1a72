/** The branch a worktree is on: the pipeline's branch template rendered for it (config/worktree-rules.ts). */
import type { Pipeline } from "../config/types.js";
import { renderBranch } from "../config/worktree-rules.js";

export function branchFor(pipeline: Pipeline, worktree: string): string {
  return renderBranch(pipeline.worktree.branch, worktree);
}
