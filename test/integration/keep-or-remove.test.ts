/**
 * The keep-or-remove decision in-process, over the worktree state matrix (test/helpers/worktree-states.ts):
 * each state's worktree is cleaned up by `cleanupWorktree`, first as a dry run, then for real, and the
 * verdict, every reason word for word and the bytes and commits lost are checked. The e2e matrix
 * (cleanup-matrix.test.ts) drives the built CLI over the same states; this file is what mutation testing
 * (MUTATION_PART=keep) runs, one test per state so that a mutant runs only the states that reach it.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parsePipeline } from "../../src/config/load-pipeline.js";
import { cleanupWorktree } from "../../src/steps/worktree-cleanup.js";
import { startWorktrees } from "../../src/steps/worktree-lifecycle.js";
import { commonGitDir } from "../../src/steps/worktree-paths.js";
import { disposableMatcher } from "../../src/util/glob-match.js";
import { measureLoss, takeLedger } from "../helpers/work-ledger.js";
import { type MatrixRepo, makeMatrixRepo, prepareStates, run, STATES } from "../helpers/worktree-states.js";

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
  "merge-conflict": ["merge in progress", "1 conflicted file"],
  "merge-no-commit": ["merge in progress", "1 staged"],
  "rebase-conflict": ["rebase in progress", "1 conflicted file"],
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

let root: string;
let repo: MatrixRepo;
let commonDir: string;

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), "grove-keep-"));
  repo = await makeMatrixRepo(STATES, root);
  const failed: string[] = [];
  const wt = await startWorktrees({
    mainRepo: repo.main,
    basePath: repo.base,
    pipeline: parsePipeline(
      "grove.pipeline.yaml",
      readFileSync(join(repo.main, "grove.pipeline.yaml"), "utf8"),
    ),
    runId: "keep",
    runDir: join(repo.main, ".grove", "runs", "keep"),
    worktrees: STATES.map((s) => s.name),
    setup: true,
    pull: false,
    onReady: () => {},
    onFailed: (w, c) => failed.push(`${w}: ${c.detail}`),
  });
  await wt.finish(false);
  expect(failed).toEqual([]);
  await prepareStates(repo, STATES);
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
      expect(dry.kind).toBe("removed");
      expect(real).toEqual(dry);
      expect(existsSync(path)).toBe(false);
      expect(await listed(path)).toBe(false);
      const branchStays = BRANCH_STAYS.includes(state.name);
      expect(real.kind === "removed" && real.branchDeleted).toBe(!branchStays);
      expect((await branches()).includes(`feature/test-${state.name}`)).toBe(branchStays);
    });
  }

  it("every kept state has its reasons here", () => {
    expect(
      STATES.filter((s) => s.keep)
        .map((s) => s.name)
        .sort(),
    ).toEqual(Object.keys(REASONS).sort());
  });
});
