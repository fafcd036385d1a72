import { existsSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parsePipeline } from "../../src/config/load-pipeline.js";
import { type CleanupRequest, cleanupWorktree } from "../../src/steps/worktree-cleanup.js";
import { startWorktrees } from "../../src/steps/worktree-lifecycle.js";
import { commonGitDir } from "../../src/steps/worktree-paths.js";
import { makeRepo, sh } from "../helpers/git-repo.js";

async function setUp(repo: { main: string; base: string }, name: string) {
  const failed: string[] = [];
  const wt = await startWorktrees({
    mainRepo: repo.main,
    basePath: repo.base,
    pipeline: parsePipeline("p.yaml", "version: 1\n"),
    runId: "opts",
    runDir: join(repo.main, ".grove", "runs", "opts"),
    worktrees: [name],
    setup: true,
    pull: false,
    onReady: () => {},
    onFailed: (_w, c) => failed.push(c.detail),
  });
  await wt.finish(false);
  return failed;
}

async function withWorktree(name = "w") {
  const repo = await makeRepo({ "f.txt": "x\n" });
  await setUp(repo, name);
  const path = join(repo.base, name);
  const req = (over: Partial<CleanupRequest> = {}): CleanupRequest => ({
    mainRepo: repo.main,
    commonDir: "",
    path,
    disposable: [],
    deleteBranch: true,
    ...over,
  });
  const commonDir = await commonGitDir(repo.main);
  return {
    repo,
    path,
    clean: (over: Partial<CleanupRequest> = {}) => cleanupWorktree({ ...req(over), commonDir }),
  };
}

const branches = async (main: string) => (await sh(main, "branch", "--format=%(refname:short)")).split("\n");

describe("cleanup options and failing safe (real git)", () => {
  it("when git cannot answer (a broken .git file) the worktree is kept and the reason says so", async () => {
    const { path, clean } = await withWorktree();
    writeFileSync(join(path, ".git"), "gitdir: /nonexistent/admin\n");
    const r = await clean();
    expect(r.kind).toBe("kept");
    expect(r.kind === "kept" && r.reasons).toEqual([
      expect.stringMatching(
        /^git could not answer, so it is kept: git status failed: .*\(and \d+ more questions\)$/,
      ),
    ]);
    expect(existsSync(join(path, "f.txt"))).toBe(true);
  });

  it("cleanup.remove_worktrees: false keeps a clean worktree; delete_branches: false keeps Grove's branch", async () => {
    const { repo, path, clean } = await withWorktree();
    expect(await clean({ removeWorktrees: false })).toEqual({
      kind: "kept",
      reasons: ["cleanup.remove_worktrees is false"],
    });
    const r = await clean({ deleteBranch: false });
    expect(r).toMatchObject({ kind: "removed", branchDeleted: false });
    expect(r.kind === "removed" && r.details).toContain(
      "branch feature/test-w left (cleanup.delete_branches is false)",
    );
    expect(existsSync(path)).toBe(false);
    expect(await branches(repo.main)).toContain("feature/test-w");
  });

  it("a Grove worktree deleted by hand: its entry is pruned and its branch deleted; prune: false leaves both", async () => {
    const { repo, path, clean } = await withWorktree();
    rmSync(path, { recursive: true, force: true });
    expect(await clean({ prune: false })).toEqual({
      kind: "kept",
      reasons: ["its directory is missing and cleanup.prune is false"],
    });
    const dry = await clean({ dryRun: true });
    expect(dry).toMatchObject({ kind: "removed", branchDeleted: true });
    expect(await sh(repo.main, "worktree", "list", "--porcelain")).toContain(`worktree ${path}`);
    expect(await clean()).toMatchObject({ kind: "removed", branchDeleted: true });
    expect(await sh(repo.main, "worktree", "list", "--porcelain")).not.toContain(`worktree ${path}`);
    expect(await branches(repo.main)).not.toContain("feature/test-w");
  });

  it("a deleted directory whose detached HEAD held a commit keeps its entry, and other entries are never pruned", async () => {
    const { repo, path, clean } = await withWorktree();
    await sh(path, "checkout", "-q", "--detach");
    writeFileSync(join(path, "g.txt"), "only here\n");
    await sh(path, "add", "g.txt");
    await sh(path, "commit", "-qm", "detached work");
    const head = await sh(path, "rev-parse", "HEAD");
    rmSync(path, { recursive: true, force: true });
    const theirs = join(repo.root, "theirs");
    await sh(repo.main, "worktree", "add", "-q", "--detach", theirs);
    rmSync(theirs, { recursive: true, force: true });
    const r = await clean();
    expect(r).toEqual({
      kind: "kept",
      reasons: ["1 commit no other ref holds (on a detached HEAD)", "its directory is missing"],
    });
    const list = await sh(repo.main, "worktree", "list", "--porcelain");
    expect(list).toContain(`worktree ${path}`);
    expect(list).toContain(`worktree ${theirs}`);
    expect(await sh(repo.main, "cat-file", "-t", head)).toBe("commit");
  });

  it("setting up again over a deleted directory clears only its entry, and refuses when that entry holds a commit", async () => {
    const { repo, path } = await withWorktree();
    rmSync(path, { recursive: true, force: true });
    expect(await setUp(repo, "w")).toEqual([]);
    expect(existsSync(join(path, "f.txt"))).toBe(true);

    await sh(path, "checkout", "-q", "--detach");
    await sh(path, "commit", "-q", "--allow-empty", "-m", "only the entry holds this");
    const head = await sh(path, "rev-parse", "HEAD");
    rmSync(path, { recursive: true, force: true });
    const failed = await setUp(repo, "w");
    expect(failed.join("\n")).toContain(
      "git's entry for it still holds work (1 commit no other ref holds (on a detached HEAD))",
    );
    expect(await sh(repo.main, "worktree", "list", "--porcelain")).toContain(`HEAD ${head}`);
  });
});
