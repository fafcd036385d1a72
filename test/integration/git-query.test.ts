import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { gitTopLevel } from "../../src/steps/git-query.js";
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
});
