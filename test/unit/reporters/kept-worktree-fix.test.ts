import { describe, expect, it } from "vitest";
import { keptWorktreeFixes } from "../../../src/reporters/kept-worktree-fix.js";

describe("keptWorktreeFixes", () => {
  it("says how to make a setup step's files disposable: ignored ones listed, untracked ones ignored first", () => {
    expect(keptWorktreeFixes(["1 untracked: .setup-done", "ignored but not disposable: out/"])).toEqual([
      "if a setup step writes .setup-done, ignore it (.gitignore) and list it under worktree.disposable in the pipeline; if it is your work, commit or move it",
      "if a setup step writes out/, list it under worktree.disposable in the pipeline so cleanup may delete it",
    ]);
  });

  it("says nothing for what configuration cannot make disposable (edits, commits, stashes, locks)", () => {
    expect(
      keptWorktreeFixes(["2 modified", "1 commit no other ref holds", "1 stash (stash@{0})", "locked: mine"]),
    ).toEqual([]);
  });
});
