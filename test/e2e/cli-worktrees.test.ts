import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { createSampleRepo } from "../../src/demo/sample-repo.js";
import { runGrove } from "../helpers/run-grove.js";
import { tempDir } from "../helpers/temp-dir.js";

describe("grove worktrees (built CLI, real git)", () => {
  it("lists, sets up, refuses to clean one holding work, cleans the rest; run --setup-worktrees --cleanup leaves nothing behind", async () => {
    const sample = await createSampleRepo(tempDir(), { createWorktrees: false });
    const list = await runGrove(["worktrees"], sample.mainRepo);
    expect(list.stdout).toMatch(/cli\s+worktree-missing\s+feature\/test-cli/);
    const setup = await runGrove(["worktrees", "setup", "cli", "parser"], sample.mainRepo);
    expect(setup.exitCode, setup.stderr).toBe(0);
    expect(setup.stdout).toContain("cli: ready");
    writeFileSync(join(sample.basePath, "cli", "notes.txt"), "my work\n");
    const dry = await runGrove(["worktrees", "clean", "--dry-run"], sample.mainRepo);
    expect(dry.stdout).toContain("cli: would be kept (1 untracked: notes.txt)");
    expect(dry.stdout).toContain("parser: would be removed");
    expect(existsSync(join(sample.basePath, "parser"))).toBe(true);
    const clean = await runGrove(["worktrees", "clean"], sample.mainRepo);
    expect(clean.stdout).toContain("cli: kept (1 untracked: notes.txt)");
    expect(existsSync(join(sample.basePath, "cli", "notes.txt"))).toBe(true);
    expect(existsSync(join(sample.basePath, "parser"))).toBe(false);

    const run = await runGrove(
      ["run", "--setup-worktrees", "--cleanup", "--filter-worktree", "export"],
      sample.mainRepo,
    );
    expect(run.exitCode).toBe(1);
    expect(existsSync(join(sample.basePath, "export"))).toBe(false);
  });

  it("--pull-coordinator without a ref says how to give one (exit 2)", async () => {
    const sample = await createSampleRepo(tempDir());
    const r = await runGrove(["run", "--pull-coordinator"], sample.mainRepo);
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toContain(
      "--pull-coordinator needs a ref to merge: pass --coordinator-ref REF or set pull.from",
    );
  });

  it("a repository with no commit yet: the worktree is not created and the user is told to make a first commit", async () => {
    const main = join(tempDir(), "fresh");
    mkdirSync(main);
    expect(spawnSync("git", ["init", "-q", main]).status).toBe(0);
    writeFileSync(
      join(main, "scenarios.json"),
      JSON.stringify({ scenarios: [{ name: "a", worktree: "w", run: ["true"] }] }),
    );
    const r = await runGrove(["run", "--setup-worktrees"], main);
    expect(r.exitCode).toBe(1);
    expect(r.stdout + r.stderr).toMatch(/has no commit yet \(HEAD points at nothing\): make a first commit/);
    expect(r.stdout + r.stderr).not.toMatch(/WorktreeError/);
  });
});
