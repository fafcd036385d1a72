import * as fs from "node:fs";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import git from "isomorphic-git";
import { describe, expect, it } from "vitest";
import { checkedOutBranch } from "../../src/steps/git-dirs.js";
import { containsRef } from "../../src/steps/linked-worktree-git.js";
import { makeRepo, sh } from "../helpers/git-repo.js";

async function fixture() {
  const repo = await makeRepo({ "a.txt": "a\n" });
  await sh(repo.main, "branch", "coordinator");
  await sh(repo.main, "branch", "old");
  await sh(repo.main, "pack-refs", "--all");
  const wt = join(repo.base, "feat");
  await sh(repo.main, "worktree", "add", "-q", "-b", "feature/test-feat", wt);
  writeFileSync(join(wt, "b.txt"), "b\n");
  await sh(wt, "add", "b.txt");
  await sh(wt, "commit", "-qm", "feature work");
  await sh(repo.main, "checkout", "-q", "coordinator");
  writeFileSync(join(repo.main, "c.txt"), "c\n");
  await sh(repo.main, "add", "c.txt");
  await sh(repo.main, "commit", "-qm", "coordinator work");
  const detached = join(repo.base, "detached");
  await sh(repo.main, "worktree", "add", "-q", "--detach", detached, "old");
  return { repo, wt, detached };
}

describe("git read without a process (isomorphic-git through the linked-worktree helper, HEAD read directly) agrees with native git", () => {
  it("current branch and ancestry, in the main repo and in linked worktrees", async () => {
    const { repo, wt, detached } = await fixture();
    for (const dir of [repo.main, wt, detached]) {
      const native =
        (await sh(dir, "symbolic-ref", "--quiet", "--short", "HEAD").catch(() => "")) || undefined;
      expect(checkedOutBranch(dir)).toBe(native);
      for (const ref of ["coordinator", "old", "main"]) {
        const nativeContains = await sh(dir, "merge-base", "--is-ancestor", ref, "HEAD").then(
          () => true,
          () => false,
        );
        expect(await containsRef(dir, ref)).toBe(nativeContains);
      }
    }
  });

  it("without the helper isomorphic-git answers wrongly inside a linked worktree (why the helper exists)", async () => {
    const { wt } = await fixture();
    const gitdir = fs.readFileSync(join(wt, ".git"), "utf8").replace("gitdir: ", "").trim();
    // The branches live in the common directory, which isomorphic-git does not look in.
    expect(await git.listBranches({ fs, dir: wt, gitdir })).toEqual([]);
    await expect(git.resolveRef({ fs, dir: wt, gitdir, ref: "coordinator" })).rejects.toThrow();
    expect(await containsRef(wt, "main")).toBe(true);
    expect(await containsRef(wt, "coordinator")).toBe(false);
  });
});
