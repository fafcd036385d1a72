import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { branchHead, gitTopLevel } from "../../src/steps/git-query.js";
import { commonGitDir } from "../../src/steps/worktree-paths.js";
import { makeRepo, sh } from "../helpers/git-repo.js";
import { tempDir } from "../helpers/temp-dir.js";

describe("git questions answered without a process (real repositories)", () => {
  it("top level and common git dir agree with git's own answers", async () => {
    const repo = await makeRepo();
    const linked = join(repo.base, "wt");
    await sh(repo.main, "worktree", "add", "-q", "-b", "feature/wt", linked);
    const sub = join(linked, "deep", "er");
    mkdirSync(sub, { recursive: true });
    for (const dir of [repo.main, linked, sub]) {
      expect(await gitTopLevel(dir)).toBe(await sh(dir, "rev-parse", "--show-toplevel"));
    }
    for (const dir of [repo.main, linked]) {
      expect(await commonGitDir(dir)).toBe(
        await sh(dir, "rev-parse", "--path-format=absolute", "--git-common-dir"),
      );
    }
    expect(await gitTopLevel(tempDir())).toBeUndefined();
  });

  it("a branch's head from the ref files is what git rev-parse --verify says: loose, packed, missing, symbolic", async () => {
    const repo = await makeRepo();
    const commonDir = await commonGitDir(repo.main);
    const gitSays = async (branch: string) => {
      try {
        return await sh(repo.main, "rev-parse", "--verify", "--quiet", `refs/heads/${branch}`);
      } catch {
        return undefined;
      }
    };
    await sh(repo.main, "branch", "feature/loose");
    await sh(repo.main, "branch", "packed");
    await sh(repo.main, "pack-refs", "--all");
    await sh(repo.main, "branch", "feature/after-pack");
    writeFileSync(join(repo.main, "second"), "2\n");
    await sh(repo.main, "add", "-A");
    await sh(repo.main, "commit", "-qm", "second");
    // A packed branch updated later has a loose ref too, which wins.
    await sh(repo.main, "branch", "-f", "packed", "HEAD");
    await sh(repo.main, "symbolic-ref", "refs/heads/alias", "refs/heads/main");
    const names = [
      "main",
      "feature/loose",
      "packed",
      "feature/after-pack",
      "alias",
      "nope",
      "feature",
      "../HEAD",
    ];
    for (const branch of names)
      expect(await branchHead(repo.main, commonDir, branch), branch).toBe(await gitSays(branch));
    expect(await branchHead(repo.main, commonDir, "packed")).not.toBe(await gitSays("feature/loose"));
  });
});
