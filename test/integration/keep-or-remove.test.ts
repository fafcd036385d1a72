/**
 * The keep-or-remove decision in-process, over the worktree state matrix (test/helpers/worktree-states.ts):
 * each state's worktree is cleaned up by `cleanupWorktree`, first as a dry run, then for real, and the
 * verdict, every reason word for word and the bytes and commits lost are checked. The e2e matrix
 * (cleanup-matrix.test.ts) drives the built CLI over the same states; this file is what mutation testing
 * (MUTATION_PART=keep) runs, one test per state so that a mutant runs only the states that reach it.
 */
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parsePipeline } from "../../src/config/load-pipeline.js";
import { cleanupWorktree } from "../../src/steps/worktree-cleanup.js";
import { startWorktrees } from "../../src/steps/worktree-lifecycle.js";
import { commonGitDir } from "../../src/steps/worktree-paths.js";
import { disposableMatcher } from "../../src/util/glob-match.js";
import { measureLoss, takeLedger } from "../helpers/work-ledger.js";
import {
  type MatrixRepo,
  makeMatrixRepo,
  matrixPaths,
  prepareStates,
  run,
  STATES,
} from "../helpers/worktree-states.js";

const DISPOSABLE = ["build/", "node_modules/"];
const isDisposable = disposableMatcher(DISPOSABLE);

/** Every reason, word for word, for each state that must be kept (the matrix gives one fragment). */
const REASONS: Record<string, string[]> = {
  modified: ["1 modified"],
  "deleted-file": ["1 modified"],
  staged: ["1 staged"],
  "staged-then-reverted": ["1 staged", "1 modified"],
  "staged-new": ["1 staged"],
  renamed: ["1 staged"],
  "intent-to-add": ["1 intent-to-add"],
  untracked: ["1 untracked: notes.txt"],
  "untracked-newline-name": ['1 untracked: "line\\nbreak.txt"'],
  "untracked-many": ["5 untracked: a.txt, b.txt, c.txt, +2 more"],
  "untracked-deep": ["2 untracked: drafts/a/b.txt, drafts/c.txt"],
  "ignored-env": ["ignored but not disposable: .env"],
  "skip-worktree": ["1 changed but hidden by skip-worktree: f.txt"],
  "assume-unchanged": ["1 changed but hidden by assume-unchanged: g.txt"],
  // The stashes are made in this order: stash-detached, stash-untracked, stash (the newest is {0}).
  stash: ["1 stash (stash@{2})"],
  "stash-untracked": ["1 stash (stash@{1})"],
  "stash-detached": ["1 stash (stash@{0})"],
  commit: ["1 commit no other ref holds"],
  // stash-detached's stash says "(no branch)" and its base is an ancestor of this detached HEAD: it
  // could be this worktree's, so it keeps this one too (fail safe: a stash is shared by all worktrees).
  "detached-commit": ["1 stash (stash@{0})", "1 commit no other ref holds (on a detached HEAD)"],
  "deleted-dir-detached-commit": [
    "1 commit no other ref holds (on a detached HEAD)",
    "its directory is missing",
  ],
  "user-branch-dirty": ["1 modified"],
  "orphan-staged": ["1 staged"],
  "merge-conflict": ["merge in progress", "1 conflicted file", "1 commit no other ref holds"],
  "merge-no-commit": ["merge in progress", "1 staged"],
  // Mid-rebase, HEAD is detached; the branch being rebased (Grove's, the dying one) holds the commit.
  "rebase-conflict": [
    "rebase in progress",
    "1 conflicted file",
    "1 commit no other ref holds (on a detached HEAD)",
  ],
  "cherry-pick-conflict": ["cherry-pick in progress", "1 conflicted file"],
  "revert-conflict": ["revert in progress", "1 conflicted file", "1 commit no other ref holds"],
  bisect: ["bisect in progress"],
  locked: ["locked: on a USB disk"],
  "nested-untracked-repo": ["1 untracked: scratch/"],
  "nested-clone-commit": ["nested repository build/dep: 1 commit no remote or tag holds"],
  "nested-clone-dirty": ["nested repository build/dep: 1 changed or untracked"],
  // The superproject sees its submodule as modified too (submodules are never ignored).
  "submodule-modified": ["1 modified", "submodule lib: 1 changed or untracked"],
  "submodule-commit": ["1 modified", "submodule lib: 1 commit no remote or tag holds"],
};

/** Removed states whose branch must stay: the user's own, and one that holds a commit. */
const BRANCH_STAYS = ["user-branch-clean", "deleted-dir-commit"];

/** What removing each removed state's worktree reports, after the "worktree <path>" line. */
const deleted = (name: string) => `branch feature/test-${name} deleted (it holds nothing unique)`;
const DETAILS: Record<string, string[]> = {
  clean: [deleted("clean")],
  "clean-build": ["disposable ignored files: build/", deleted("clean-build")],
  "user-branch-clean": ["branch feature/test-user-branch-clean left alone (Grove did not create it)"],
  "detached-clean": [deleted("detached-clean")],
  "other-branch-commit": [deleted("other-branch-commit")],
  "assume-unchanged-same": [deleted("assume-unchanged-same")],
  "nested-clone-clean": ["disposable ignored files: build/", deleted("nested-clone-clean")],
  "submodule-clean": [deleted("submodule-clean")],
};
/** Removed states whose directory was deleted: only their entry (and branch) go. */
const ENTRY_DETAILS: Record<string, string[]> = {
  "deleted-dir": [deleted("deleted-dir")],
  "deleted-dir-commit": [
    "branch feature/test-deleted-dir-commit left (it holds commits, or another worktree has it checked out)",
  ],
};

let root: string;
let repo: MatrixRepo;
let commonDir: string;

/** Builds the matrix under `dir`: the repositories, Grove's worktrees, each put into its state. */
async function buildMatrix(dir: string): Promise<MatrixRepo> {
  const matrix = await makeMatrixRepo(STATES, dir);
  const failed: string[] = [];
  const wt = await startWorktrees({
    mainRepo: matrix.main,
    basePath: matrix.base,
    pipeline: parsePipeline(
      "grove.pipeline.yaml",
      readFileSync(join(matrix.main, "grove.pipeline.yaml"), "utf8"),
    ),
    runId: "keep",
    runDir: join(matrix.main, ".grove", "runs", "keep"),
    worktrees: STATES.map((s) => s.name),
    setup: true,
    pull: false,
    onReady: () => {},
    onFailed: (w, c) => failed.push(`${w}: ${c.detail}`),
  });
  await wt.finish(false);
  expect(failed).toEqual([]);
  await prepareStates(matrix, STATES);
  return matrix;
}

beforeAll(async () => {
  // Under mutation testing (vitest.mutation.config.ts) the matrix is built once per test process and
  // copied back into the same place for each mutant: building it takes 20-60 s here, a copy well under
  // one, and git's files hold absolute paths, so the copy must land where the original was built.
  const cache = process.env.GROVE_KEEP_MATRIX_CACHE;
  if (!cache) {
    root = mkdtempSync(join(tmpdir(), "grove-keep-"));
    repo = await buildMatrix(root);
  } else {
    root = join(cache, `work-${process.pid}`);
    const template = join(cache, `template-${process.pid}`);
    rmSync(root, { recursive: true, force: true });
    if (existsSync(template)) {
      cpSync(template, root, { recursive: true, verbatimSymlinks: true, preserveTimestamps: true });
      repo = matrixPaths(root);
    } else {
      // The copy is made with no mutant active: Stryker switches mutants on through this global, and
      // the worktrees are created by code under test (stale-entry checks), which must not shape the
      // matrix every later mutant is tested on.
      const stryker = (globalThis as { __stryker__?: { activeMutant?: string } }).__stryker__;
      const active = stryker?.activeMutant;
      if (stryker) stryker.activeMutant = undefined;
      try {
        mkdirSync(root, { recursive: true });
        repo = await buildMatrix(root);
      } finally {
        if (stryker) stryker.activeMutant = active;
      }
      cpSync(root, template, { recursive: true, verbatimSymlinks: true, preserveTimestamps: true });
    }
  }
  commonDir = await commonGitDir(repo.main);
}, 180_000);

afterAll(() => {
  if (root) rmSync(root, { recursive: true, force: true });
});

const branches = async () => (await run(repo.main, ["branch", "--format=%(refname:short)"])).split("\n");
const listed = async (path: string) =>
  (await run(repo.main, ["worktree", "list", "--porcelain"])).includes(`worktree ${path}\n`);

describe("keep or remove, in-process over the worktree state matrix (real git)", () => {
  for (const state of STATES) {
    it(`${state.name}: ${state.keep ? "kept, with every reason" : "removed"}, nothing lost`, async () => {
      const path = join(repo.base, state.name);
      const req = { mainRepo: repo.main, commonDir, path, disposable: DISPOSABLE, deleteBranch: true };
      const before = await takeLedger(repo.main, [path], isDisposable);
      const dry = await cleanupWorktree({ ...req, dryRun: true });
      const real = await cleanupWorktree(req);
      const loss = await measureLoss(repo.main, [path], isDisposable, before);
      expect(loss.what).toEqual([]);
      expect(loss.commits).toBe(0);
      if (state.keep) {
        expect(dry).toEqual({ kind: "kept", reasons: REASONS[state.name] });
        expect(real).toEqual(dry);
        expect(await listed(path)).toBe(true);
        expect(await branches()).toContain(`feature/test-${state.name}`);
        return;
      }
      const details =
        state.name in ENTRY_DETAILS
          ? [`entry of ${path} (its directory was deleted)`, ...ENTRY_DETAILS[state.name]!]
          : [`worktree ${path}`, ...DETAILS[state.name]!];
      const branchStays = BRANCH_STAYS.includes(state.name);
      expect(dry).toEqual({
        kind: "removed",
        branchDeleted: !branchStays,
        createdBranch: state.name !== "user-branch-clean",
        details,
      });
      expect(real).toEqual(dry);
      expect(existsSync(path)).toBe(false);
      expect(await listed(path)).toBe(false);
      expect((await branches()).includes(`feature/test-${state.name}`)).toBe(branchStays);
    });
  }

  it("every state has its reasons or details here", () => {
    const names = (keep: boolean) =>
      STATES.filter((s) => s.keep === keep)
        .map((s) => s.name)
        .sort();
    expect(names(true)).toEqual(Object.keys(REASONS).sort());
    expect(names(false)).toEqual([...Object.keys(DETAILS), ...Object.keys(ENTRY_DETAILS)].sort());
  });
});
