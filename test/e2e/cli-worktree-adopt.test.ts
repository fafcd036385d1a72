import { rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runGrove } from "../helpers/run-grove.js";
import { makeSetupRepo, readReport, SETUP_PIPELINE } from "../helpers/setup-repo.js";

describe("adopting worktrees made by hand (built CLI, real git)", () => {
  it("uses one that passes verify as it is; skips one that fails as verify-failed until --setup-worktrees repairs it; a changed setup reruns only with --setup-worktrees", async () => {
    const repo = await makeSetupRepo(["alpha", "beta"]);
    await repo.addByHand("alpha");
    repo.build("alpha");
    await repo.addByHand("beta");
    const report = join(repo.root, "report.json");
    const run = (...flags: string[]) => runGrove(["run", "--report", report, ...flags], repo.main);

    const first = await run();
    expect(first.exitCode, first.stdout + first.stderr).toBe(1);
    let r = readReport(report);
    expect(r.scenarios.map((s) => [s.name, s.status, s.reason])).toEqual([
      ["check_alpha", "passed", "exit-zero"],
      ["check_beta", "skipped", "verify-failed"],
    ]);
    expect(first.stdout).toContain(
      'worktree "beta" verify-failed: nothing matches build/*.so; rerun with --setup-worktrees',
    );
    expect(first.stdout).not.toContain("setup-failed");
    expect(r.worktrees.map((w) => [w.name, w.state])).toEqual([
      ["alpha", "ready"],
      ["beta", "verify-failed"],
    ]);
    expect([repo.setupRuns("alpha"), repo.setupRuns("beta")]).toEqual([0, 0]);

    const repaired = await run("--setup-worktrees");
    expect(repaired.exitCode, repaired.stdout + repaired.stderr).toBe(0);
    r = readReport(report);
    expect(r.scenarios.map((s) => s.status)).toEqual(["passed", "passed"]);
    // Setup ran only where verify failed: the worktree that passed was left as it was.
    expect([repo.setupRuns("alpha"), repo.setupRuns("beta")]).toEqual([0, 1]);

    const again = await run("--setup-worktrees");
    expect(again.exitCode).toBe(0);
    expect([repo.setupRuns("alpha"), repo.setupRuns("beta")]).toEqual([0, 1]);

    // The setup definition changes: without the flag it is a note and the worktree is used as it is.
    writeFileSync(join(repo.main, "grove.pipeline.yaml"), SETUP_PIPELINE.replace("echo run", "echo run2"));
    const list = await runGrove(["worktrees"], repo.main);
    expect(list.stdout).toMatch(/beta\s+ready\s+feature\/test-beta/);
    expect(list.stdout).toContain("note: the setup definition changed since Grove ran it here");
    const unchanged = await run();
    expect(unchanged.exitCode).toBe(0);
    expect([repo.setupRuns("alpha"), repo.setupRuns("beta")]).toEqual([0, 1]);
    const rerun = await run("--setup-worktrees");
    expect(rerun.exitCode).toBe(0);
    expect(rerun.stdout).toContain("worktree beta: setting-up (step 1/2: count)");
    expect([repo.setupRuns("alpha"), repo.setupRuns("beta")]).toEqual([0, 2]);
  });

  it("grove worktrees setup --dry-run says where setup would run and changes nothing; grove worktrees setup then does exactly that", async () => {
    const repo = await makeSetupRepo(["done", "unbuilt", "absent"]);
    await repo.addByHand("done");
    repo.build("done");
    await repo.addByHand("unbuilt");
    const dry = await runGrove(["worktrees", "setup", "--dry-run"], repo.main);
    expect(dry.exitCode, dry.stderr).toBe(0);
    expect(dry.stdout).toMatch(/done\s+ready[^\n]*\n(\s+note:[^\n]*\n)*\s+setup would leave it as it is/);
    expect(dry.stdout).toMatch(
      /unbuilt\s+verify-failed[^\n]*\n\s+nothing matches build\/\*\.so\n\s+setup would run setup/,
    );
    expect(dry.stdout).toMatch(
      /absent\s+worktree-missing[^\n]*\n[^\n]*\n\s+setup would create it and run setup/,
    );
    expect([repo.setupRuns("unbuilt"), repo.setupRuns("absent")]).toEqual([0, 0]);

    const setup = await runGrove(["worktrees", "setup"], repo.main);
    expect(setup.exitCode, setup.stdout + setup.stderr).toBe(0);
    expect([repo.setupRuns("done"), repo.setupRuns("unbuilt"), repo.setupRuns("absent")]).toEqual([0, 1, 1]);
    const list = await runGrove(["worktrees", "--json"], repo.main);
    expect((JSON.parse(list.stdout) as { state: string }[]).map((w) => w.state)).toEqual([
      "ready",
      "ready",
      "ready",
    ]);

    // The reported bug: a build deleted after setup. The list and the run say the same.
    rmSync(join(repo.path("unbuilt"), "build"), { recursive: true });
    const after = await runGrove(["worktrees", "list", "unbuilt"], repo.main);
    expect(after.stdout).toMatch(/unbuilt\s+verify-failed/);
    const run = await runGrove(["run", "--filter-worktree", "unbuilt"], repo.main);
    expect(run.stdout).toContain('worktree "unbuilt" verify-failed: nothing matches build/*.so');
  });
});
