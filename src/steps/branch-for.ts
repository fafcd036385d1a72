/** The branch a worktree is on: the pipeline's branch template rendered for it. */
import { worktreeSlug } from "../config/names.js";
import { renderTemplate } from "../config/templates.js";
import type { Pipeline } from "../config/types.js";

export function branchFor(pipeline: Pipeline, worktree: string): string {
  return renderTemplate(pipeline.worktree.branch, { worktree, worktree_slug: worktreeSlug(worktree) });
}
