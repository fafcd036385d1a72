/**
 * The keep-or-remove decision where the state matrix (keep-or-remove.test.ts) has one of each: many
 * files, stashes or commits of a kind (the counted and shortened reasons), locks Grove holds itself,
 * `git am` and sequences in progress, and entries whose directory was deleted while they held a lock
 * or an operation. Real repositories, `cleanupWorktree` in-process.
 */
import { mkdirSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { execa } from "execa";
import { describe, expect, it } from "vitest";
import { parsePipeline } from "../../src/config/load-pipeline.js";
import { type CleanupRequest, cleanupWorktree } from "../../src/steps/worktree-cleanup.js";
import { startWorktrees } from "../../src/steps/worktree-lifecycle.js";
import { commonGitDir } from "../../src/steps/worktree-paths.js";
import { makeRepo, sh } from "../helpers/git-repo.js";

const attempt = (cwd: string, ...args: string[]) =>
  execa("git", args, { cwd, reject: false, stdin: "ignore", env: { GIT_EDITOR: "true" } });

async function withWorktree(files: Record<string, string> = { "f.txt": "x\n", "g.txt": "y\n" }) {
  const repo = await makeRepo(files);
  const failed: string[] = [];
  const wt = await startWorktrees({
    mainRepo: repo.main,
    basePath: repo.base,
    pipeline: parsePipeline("p.yaml", "version: 1\nworktree:\n  disposable: [build/]\n"),
    runId: "edges",
    runDir: join(repo.main, ".grove", "runs", "edges"),
    worktrees: ["w"],
    setup: true,
    pull: false,
    onReady: () => {},
    onFailed: (_w, c) => failed.push(c.detail),
  });
  await wt.finish(false);
  expect(failed).toEqual([]);
  const path = join(repo.base, "w");
  const commonDir = await commonGitDir(repo.main);
  const clean = (over: Partial<CleanupRequest> = {}) =>
    cleanupWorktree({
      mainRepo: repo.main,
      commonDir,
      path,
      disposable: ["build/"],
      deleteBranch: true,
      ...over,
    });
  return { repo, path, clean };
}

const commit = async (wt: string, rel: string, text: string) => {
  writeFileSync(join(wt, rel), text);
  await sh(wt, "add", "--", rel);
  await sh(wt, "commit", "-qm", `add ${rel}`);
};
const listed = async (main: string, path: string) =>
  (await sh(main, "worktree", "list", "--porcelain")).includes(`worktree ${path}\n`);

describe("keep or remove: counts, locks, operations and deleted directories (real git)", () => {
  it("counts many of a kind and shortens the lists: conflicted files, hidden files, ignored files, stashes, commits", async () => {
    const files = Object.fromEntries(["a", "b", "c", "d"].map((f) => [`${f}.txt`, `${f}\n`]));
    const { repo, path, clean } = await withWorktree({ ...files, ".gitignore": "*.local\nbuild/\n" });
    // Two commits only this worktree's branch holds.
    await commit(path, "n1.txt", "one\n");
    await commit(path, "n2.txt", "two\n");
    // Two stashes made on its branch.
    for (const text of ["s1\n", "s2\n"]) {
      writeFileSync(join(path, "a.txt"), text);
      await sh(path, "stash", "push", "-q");
    }
    // Four changed files hidden by skip-worktree, four precious ignored files, a disposable one.
    for (const f of ["a", "b", "c", "d"]) {
      await sh(path, "update-index", "--skip-worktree", `${f}.txt`);
      writeFileSync(join(path, `${f}.txt`), "hidden\n");
      writeFileSync(join(path, `${f}.local`), "secret\n");
    }
    mkdirSync(join(path, "build"));
    writeFileSync(join(path, "build", "out.o"), "object\n");
    const r = await clean();
    expect(r).toEqual({
      kind: "kept",
      reasons: [
        "4 changed but hidden by skip-worktree: a.txt, b.txt, c.txt, ...",
        "ignored but not disposable: a.local, b.local, c.local, ...",
        "2 stashes (stash@{0}, stash@{1})",
        "2 commits no other ref holds",
      ],
    });
    expect(await listed(repo.main, path)).toBe(true);
  });

  it("two conflicted files, and exactly three hidden or ignored files are listed without '...'", async () => {
    const { repo, path, clean } = await withWorktree({
      "a.txt": "a\n",
      "b.txt": "b\n",
      ".gitignore": "*.local\n",
    });
    await sh(repo.main, "checkout", "-q", "-b", "side");
    await commit(repo.main, "a.txt", "side a\n");
    await commit(repo.main, "b.txt", "side b\n");
    await sh(repo.main, "checkout", "-q", "main");
    await commit(path, "a.txt", "mine a\n");
    await commit(path, "b.txt", "mine b\n");
    await attempt(path, "merge", "-q", "side");
    for (const f of ["x", "y", "z"]) writeFileSync(join(path, `${f}.local`), "secret\n");
    const r = await clean();
    expect(r).toEqual({
      kind: "kept",
      reasons: [
        "merge in progress",
        "2 conflicted files",
        "ignored but not disposable: x.local, y.local, z.local",
        "2 commits no other ref holds",
      ],
    });
  });

  it("a symlink hidden by skip-worktree is kept when its target changed, not when it is the same", async () => {
    const { repo, path, clean } = await withWorktree();
    symlinkSync("f.txt", join(path, "link"));
    await sh(path, "add", "link");
    await sh(path, "commit", "-qm", "a link");
    await sh(path, "update-index", "--skip-worktree", "link");
    await sh(repo.main, "branch", "holds-it", "feature/test-w");
    expect(await clean({ dryRun: true })).toMatchObject({ kind: "removed" });
    rmSync(join(path, "link"));
    symlinkSync("g.txt", join(path, "link"));
    expect(await clean()).toEqual({
      kind: "kept",
      reasons: ["1 changed but hidden by skip-worktree: link"],
    });
  });

  it("Grove's own lock does not keep a worktree (it is unlocked, then removed); another run's lock does", async () => {
    const { repo, path, clean } = await withWorktree();
    await sh(repo.main, "worktree", "lock", "--reason", "grove run 2", path);
    expect(await clean({ ourLockReason: "grove run 1" })).toEqual({
      kind: "kept",
      reasons: ["locked: grove run 2"],
    });
    await sh(repo.main, "worktree", "unlock", path);
    await sh(repo.main, "worktree", "lock", path);
    expect(await clean({ ourLockReason: "grove run 1" })).toEqual({ kind: "kept", reasons: ["locked"] });
    await sh(repo.main, "worktree", "unlock", path);
    await sh(repo.main, "worktree", "lock", "--reason", "grove run 1", path);
    expect(await clean()).toEqual({ kind: "kept", reasons: ["locked: grove run 1"] });
    const r = await clean({ ourLockReason: "grove run 1" });
    expect(r).toMatchObject({ kind: "removed", branchDeleted: true });
    expect(await listed(repo.main, path)).toBe(false);
  });

  it("git am in progress is named am, not rebase; a cherry-pick of several commits names the sequence", async () => {
    const { repo, path, clean } = await withWorktree();
    await sh(repo.main, "checkout", "-q", "-b", "side");
    await commit(repo.main, "f.txt", "side one\n");
    await commit(repo.main, "g.txt", "side two\n");
    await sh(repo.main, "checkout", "-q", "main");
    const patch = await sh(repo.main, "format-patch", "-1", "--stdout", "side~1");
    await commit(path, "f.txt", "mine\n");
    await sh(repo.main, "branch", "holds-it", "feature/test-w");
    const am = await execa("git", ["am", "-q"], { cwd: path, input: `${patch}\n`, reject: false });
    expect(am.exitCode).not.toBe(0);
    expect(await clean()).toEqual({ kind: "kept", reasons: ["am in progress"] });
    await sh(path, "am", "--abort");
    await attempt(path, "cherry-pick", "side~2..side");
    expect(await clean()).toEqual({
      kind: "kept",
      reasons: ["cherry-pick, cherry-pick or revert sequence in progress", "1 conflicted file"],
    });
  });

  it("a deleted directory whose entry is locked keeps its entry; Grove's own lock does not", async () => {
    const { repo, path, clean } = await withWorktree();
    await sh(repo.main, "worktree", "lock", "--reason", "on a USB disk", path);
    rmSync(path, { recursive: true, force: true });
    expect(await clean()).toEqual({
      kind: "kept",
      reasons: ["locked: on a USB disk", "its directory is missing"],
    });
    expect(await clean({ ourLockReason: "grove run 1" })).toMatchObject({ kind: "kept" });
    expect(await clean({ ourLockReason: "on a USB disk", dryRun: true })).toMatchObject({
      kind: "removed",
      branchDeleted: true,
    });
    expect(await listed(repo.main, path)).toBe(true);
    expect(await clean({ ourLockReason: "on a USB disk" })).toMatchObject({
      kind: "removed",
      branchDeleted: true,
    });
    expect(await listed(repo.main, path)).toBe(false);
  });

  it("a deleted directory whose entry holds a merge in progress keeps its entry", async () => {
    const { repo, path, clean } = await withWorktree();
    await sh(repo.main, "checkout", "-q", "-b", "side");
    await commit(repo.main, "g.txt", "side\n");
    await sh(repo.main, "checkout", "-q", "main");
    await sh(path, "merge", "-q", "--no-ff", "--no-commit", "side");
    rmSync(path, { recursive: true, force: true });
    expect(await clean()).toEqual({
      kind: "kept",
      reasons: ["merge in progress", "its directory is missing"],
    });
    expect(await listed(repo.main, path)).toBe(true);
  });

  it("a skip-worktree file missing from the tree (a sparse checkout) holds nothing; a hidden file named with a newline cannot be hashed, so it keeps the worktree", async () => {
    const { repo, path, clean } = await withWorktree({
      "f.txt": "x\n",
      "g.txt": "y\n",
      "line\nbreak.txt": "z\n",
    });
    await sh(path, "update-index", "--skip-worktree", "f.txt");
    rmSync(join(path, "f.txt"));
    await sh(repo.main, "branch", "holds-it", "feature/test-w");
    expect(await clean({ dryRun: true })).toMatchObject({ kind: "removed" });
    await sh(path, "update-index", "--assume-unchanged", "line\nbreak.txt");
    writeFileSync(join(path, "line\nbreak.txt"), "changed\n");
    expect(await clean()).toEqual({
      kind: "kept",
      reasons: [
        "git could not answer, so it is kept: could not hash 1 file hidden by skip-worktree or assume-unchanged",
      ],
    });
  });

  it("a clone in a disposable directory with two stashes and two unpushed commits is kept for them", async () => {
    const lib = await makeRepo({ "lib.txt": "lib\n" });
    const { path, clean } = await withWorktree({ "f.txt": "x\n", ".gitignore": "build/\n" });
    const dep = join(path, "build", "dep");
    await sh(path, "clone", "-q", lib.main, "build/dep");
    for (const [k, v] of [
      ["user.name", "Test"],
      ["user.email", "test@grove.invalid"],
      ["commit.gpgSign", "false"],
    ])
      await sh(dep, "config", k!, v!);
    await commit(dep, "one.txt", "1\n");
    await commit(dep, "two.txt", "2\n");
    for (const text of ["s1\n", "s2\n"]) {
      writeFileSync(join(dep, "lib.txt"), text);
      await sh(dep, "stash", "push", "-q");
    }
    expect(await clean()).toEqual({
      kind: "kept",
      reasons: ["nested repository build/dep: 2 stashes, 2 commits no remote or tag holds"],
    });
  });
});
