/**
 * A skip's root cause in words, as its dependents' details say it: `"a" failed`,
 * `worktree "api" setup-failed`, `"Z" is not part of this run`. One implementation for the ready
 * set's details and the inspector's page (built into dist/page/ by scripts/page-scripts.mjs, so it
 * imports nothing).
 */

/**
 * The shape of `RootCause` in src/events.ts, restated because util/ imports nothing from the app;
 * a `RootCause` is one of these, so the compiler keeps the two in step.
 */
export type RootCauseShape =
  | { scenario: string; status: string }
  | { worktree: string; problem: string }
  | { notSelected: string };

/** The words for what began a chain of skips. Not responsible for deciding it (the ready set is). */
export function rootCauseText(root: RootCauseShape): string {
  if ("scenario" in root) return `"${root.scenario}" ${root.status}`;
  if ("worktree" in root) return `worktree "${root.worktree}" ${root.problem}`;
  return `"${root.notSelected}" is not part of this run`;
}
