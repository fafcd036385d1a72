/**
 * Pipeline rules about what a worktree gets, checked when the pipeline loads rather than in each
 * worktree at run time: the branch template renders a valid branch name that differs per worktree;
 * `disposable` patterns stay inside the worktree and never match all of it or `.git`; a link's path
 * and key files stay inside the worktree; and, once the scenarios are known too, no two worktrees get
 * the same branch (`{worktree_slug}` maps `a_b` and `a-b` to one). Pure; JSON paths only (the loader
 * adds line:column).
 */
import { isAbsolute, normalize } from "node:path";
import type { PathSegment } from "../util/json-pointer.js";
import { branchNameProblem, worktreeSlug } from "./names.js";
import type { RuleProblem } from "./rules.js";
import { parseTemplate, renderTemplate } from "./templates.js";

/** The parts of a raw pipeline these rules read. */
export interface RawWorktreeSection {
  branch?: string;
  setup?: { link?: { path: string; key_files: string[] } }[];
  disposable?: string[];
}

/** Why a relative path leaves the worktree (absolute, or climbing out with ..), or undefined. */
function leavesWorktree(path: string): string | undefined {
  if (isAbsolute(path)) return "is an absolute path";
  const n = normalize(path);
  if (n === ".." || n.startsWith("../")) return "climbs out of the worktree with ..";
  return undefined;
}

function branchProblems(branch: string): RuleProblem[] {
  const at: PathSegment[] = ["worktree", "branch"];
  let parts: ReturnType<typeof parseTemplate>;
  try {
    parts = parseTemplate(branch);
  } catch {
    return []; // the template rules report the syntax
  }
  const variables = parts.flatMap((p) => ("variable" in p ? [p.variable] : []));
  if (!variables.includes("worktree") && !variables.includes("worktree_slug"))
    return [
      {
        path: at,
        message: `branch template "${branch}" has no {worktree} or {worktree_slug}, so every worktree would get the same branch (git allows a branch in one worktree only)`,
        hint: 'put {worktree} in it, e.g. "feature/test-{worktree}"',
      },
    ];
  // A worktree name is itself valid in a branch name, so a sample shows what the template adds.
  const sample = renderTemplate(branch, { worktree: "wt", worktree_slug: "wt", main_repo: "repo" });
  const problem = branchNameProblem(sample);
  return problem
    ? [
        {
          path: at,
          message: `branch template "${branch}" renders an invalid branch name ("${sample}" for worktree "wt": it ${problem})`,
          hint: 'follow git check-ref-format, e.g. "feature/test-{worktree}"',
        },
      ]
    : [];
}

/**
 * Why a disposable pattern is unsafe, or undefined. A leading "/" anchors the pattern at the
 * worktree's top, as in .gitignore (`/build/`, documented and matched so by `disposableMatcher`), so
 * it is not an absolute path: what follows it must still stay inside the worktree.
 */
function disposableProblem(pattern: string): string | undefined {
  const trimmed = pattern.replace(/\/+$/, "");
  if (trimmed === "") return "would match the whole worktree";
  const leaves = leavesWorktree(pattern.replace(/^\/+/, ""));
  if (leaves) return leaves;
  if (/^[/*.]+$/.test(trimmed)) return "would match the whole worktree";
  if (normalize(trimmed).split("/")[0] === ".git" || /(^|\/)\.git(\/|$)/.test(trimmed))
    return "would match git's own files (.git)";
  return undefined;
}

/** Problems with the worktree section of a raw pipeline. */
export function worktreeRuleProblems(worktree: RawWorktreeSection | undefined): RuleProblem[] {
  const problems: RuleProblem[] = [];
  if (worktree?.branch !== undefined) problems.push(...branchProblems(worktree.branch));
  worktree?.disposable?.forEach((pattern, i) => {
    const problem = disposableProblem(pattern);
    if (problem)
      problems.push({
        path: ["worktree", "disposable", i],
        message: `disposable pattern "${pattern}" ${problem}; cleanup would delete what it matches`,
        hint: 'name a dependency or build directory inside the worktree, e.g. "node_modules/"',
      });
  });
  worktree?.setup?.forEach((step, i) => {
    if (!step.link) return;
    const checks: [string, PathSegment[]][] = [
      [step.link.path, ["worktree", "setup", i, "link", "path"]],
      ...step.link.key_files.map((f, j): [string, PathSegment[]] => [
        f,
        ["worktree", "setup", i, "link", "key_files", j],
      ]),
    ];
    for (const [path, at] of checks) {
      const problem = leavesWorktree(path);
      if (problem)
        problems.push({
          path: at,
          message: `link path "${path}" ${problem}`,
          hint: 'use a path relative to the worktree, without .., e.g. "node_modules"',
        });
    }
  });
  return problems;
}

/** The branch a worktree is on: the pipeline's branch template rendered for it. */
export function renderBranch(template: string, worktree: string): string {
  return renderTemplate(template, { worktree, worktree_slug: worktreeSlug(worktree) });
}

/**
 * Worktrees of the scenarios whose branches the template renders the same: git checks a branch out in
 * one worktree only, so the second would fail at run time. Located at the first scenario of each
 * worktree that collides with an earlier one.
 */
export function branchCollisions(
  template: string,
  scenarios: readonly { name: string; worktree: string; index: number }[],
  pipelineSource: string,
): RuleProblem[] {
  const owner = new Map<string, { worktree: string; scenario: string; index: number }>();
  const seen = new Set<string>();
  const problems: RuleProblem[] = [];
  for (const s of scenarios) {
    if (seen.has(s.worktree)) continue;
    seen.add(s.worktree);
    let branch: string;
    try {
      branch = renderBranch(template, s.worktree);
    } catch {
      return []; // the template rules report the syntax
    }
    const first = owner.get(branch);
    if (!first) {
      owner.set(branch, { worktree: s.worktree, scenario: s.name, index: s.index });
      continue;
    }
    problems.push({
      path: ["scenarios", s.index, "worktree"],
      message: `worktree "${s.worktree}" would be on branch "${branch}", as worktree "${first.worktree}" (scenario "${first.scenario}", /scenarios/${first.index}/worktree) is: the branch template "${template}" maps both names to it, and git checks a branch out in one worktree only`,
      hint: `rename one of the two worktrees, or use {worktree} instead of {worktree_slug} in worktree.branch (${pipelineSource})`,
    });
  }
  return problems;
}
