import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { createSampleRepo } from "../../src/demo/sample-repo.js";
import { Coordinator } from "../../src/index.js";
import { sh } from "../helpers/git-repo.js";
import { reportSchemaErrors } from "../helpers/report-schema.js";
import { makeSetupRepo } from "../helpers/setup-repo.js";
import { tempDir } from "../helpers/temp-dir.js";

describe("Coordinator (the original's API)", () => {
  it("registers, runs twice in one process, and reports each run", async () => {
    const sample = await createSampleRepo(tempDir());
    const c = new Coordinator({
      mainRepo: sample.mainRepo,
      basePath: sample.basePath,
      pipeline: join(sample.mainRepo, "grove.pipeline.yaml"),
    });
    c.registerScenario({ name: "ok", worktree: "parser", test_file: "tests/pass.mjs" });
    c.registerScenario({ name: "bad", worktree: "cli", test_file: "tests/fail.mjs" });
    c.registerScenario({
      name: "after_bad",
      worktree: "cli",
      test_file: "tests/pass.mjs",
      dependencies: ["bad"],
    });
    for (let run = 0; run < 2; run++) {
      const results = await c.runAllScenarios({ parallel: true, maxWorkers: 2 });
      expect(Object.fromEntries(results.map((r) => [r.name, r.status]))).toEqual({
        ok: "passed",
        bad: "failed",
        after_bad: "skipped",
      });
      const report = c.generateReport(join(sample.root, `report-${run}.json`));
      expect(reportSchemaErrors(report)).toEqual([]);
      expect(report.summary).toMatchObject({ total: 3, passed: 1, failed: 1, skipped: 1 });
    }
  });

  it("plans with the recorded durations as a CLI run does: the longer scenario starts first", async () => {
    const sample = await createSampleRepo(tempDir());
    mkdirSync(join(sample.mainRepo, ".grove"), { recursive: true });
    writeFileSync(join(sample.mainRepo, ".grove", "timings.json"), JSON.stringify({ quick: 1, slow: 50 }));
    const c = new Coordinator({
      mainRepo: sample.mainRepo,
      basePath: sample.basePath,
      pipeline: join(sample.mainRepo, "grove.pipeline.yaml"),
      onEvent: (e) => {
        if (e.type === "attempt-started") started.push(e.name);
      },
    });
    const started: string[] = [];
    c.registerScenario({ name: "quick", worktree: "parser", test_file: "tests/pass.mjs" });
    c.registerScenario({ name: "slow", worktree: "parser", test_file: "tests/pass.mjs" });
    const results = await c.runAllScenarios({ parallel: false });
    expect(results.map((r) => r.status)).toEqual(["passed", "passed"]);
    expect(started).toEqual(["slow", "quick"]);
  });

  it("rejects bad registrations with a clear error", async () => {
    const c = new Coordinator({ mainRepo: tempDir() });
    expect(() => c.registerScenario({ name: "x", worktree: "../escape", test_file: "t.py" })).toThrow(
      /worktree name "..\/escape" contains ".."/,
    );
    c.registerScenario({ name: "x", worktree: "w", test_file: "t.py", dependencies: ["y"] });
    expect(() => c.registerScenario({ name: "x", worktree: "w", test_file: "t.py" })).toThrow(
      /duplicate scenario name "x"/,
    );
    await expect(c.runAllScenarios({ maxWorkers: 0 })).rejects.toThrow(/at least 1/);
    await expect(c.runAllScenarios()).rejects.toThrow(/depends on "y", which is not a scenario/);
  });
});

describe("Coordinator: the worktree lifecycle (the original's verify/setup/pull/cleanup), real git", () => {
  async function coordinatorFor(worktrees: string[]) {
    const repo = await makeSetupRepo(worktrees);
    const c = new Coordinator({
      mainRepo: repo.main,
      basePath: repo.base,
      pipeline: join(repo.main, "grove.pipeline.yaml"),
      runsDir: join(repo.root, "runs"),
    });
    c.registerScenariosFromConfig(join(repo.main, "scenarios.json"));
    return { repo, c };
  }

  it("verifyWorktreeSetup gives the run's verdict; setupWorktree repairs only what needs it; runAllScenarios({ setupWorktrees, cleanup }) creates, runs and removes what it made", async () => {
    const { repo, c } = await coordinatorFor(["alpha", "beta", "gamma"]);
    await repo.addByHand("alpha");
    repo.build("alpha");
    await repo.addByHand("beta");

    const verdicts = await c.verifyWorktreeSetup();
    expect(verdicts.map((v) => [v.name, v.state, v.setupAction])).toEqual([
      ["alpha", "ready", undefined],
      ["beta", "verify-failed", "setup"],
      ["gamma", "worktree-missing", "create"],
    ]);
    expect((await c.verifyWorktreeSetup("alpha")).map((v) => v.state)).toEqual(["ready"]);

    const plain = await c.runAllScenarios();
    expect(plain.map((r) => [r.name, r.status, r.reason])).toEqual([
      ["check_alpha", "passed", "exit-zero"],
      ["check_beta", "skipped", "verify-failed"],
      ["check_gamma", "skipped", "worktree-missing"],
    ]);

    const setup = await c.setupWorktree(["alpha", "beta"]);
    expect(setup.map((o) => [o.name, o.ready, o.state])).toEqual([
      ["alpha", true, "ready"],
      ["beta", true, "ready"],
    ]);
    expect([repo.setupRuns("alpha"), repo.setupRuns("beta")]).toEqual([0, 1]);

    const full = await c.runAllScenarios({ setupWorktrees: true, cleanup: true });
    expect(full.map((r) => r.status)).toEqual(["passed", "passed", "passed"]);
    const report = c.generateReport();
    expect(reportSchemaErrors(report)).toEqual([]);
    expect(report.worktrees.map((w) => [w.name, w.state])).toEqual([
      ["alpha", "ready"],
      ["beta", "ready"],
      ["gamma", "removed"],
    ]);
    // Only the worktree Grove created is removed; the hand-made ones stay.
    expect([
      existsSync(repo.path("alpha")),
      existsSync(repo.path("beta")),
      existsSync(repo.path("gamma")),
    ]).toEqual([true, true, false]);

    await c.setupWorktree("gamma");
    writeFileSync(join(repo.path("gamma"), "notes.txt"), "my work\n");
    const dry = await c.cleanupWorktrees(undefined, { dryRun: true });
    expect(dry.map((r) => [r.name, r.outcome.kind])).toEqual([
      ["alpha", "not-ours"],
      ["beta", "not-ours"],
      ["gamma", "kept"],
    ]);
    rmSync(join(repo.path("gamma"), "notes.txt"));
    expect((await c.cleanupWorktrees("gamma", { dryRun: true }))[0]!.outcome.kind).toBe("removed");
    expect(existsSync(repo.path("gamma"))).toBe(true);
    expect((await c.cleanupWorktrees("gamma"))[0]!.outcome.kind).toBe("removed");
    expect(existsSync(repo.path("gamma"))).toBe(false);

    await expect(c.setupWorktree("../escape")).rejects.toThrow(/worktree name "..\/escape" contains ".."/);
  });

  it("pullCoordinatorChanges merges the coordinator ref, and a conflict is aborted and named merge-conflict, as runAllScenarios({ pullCoordinator }) names it", async () => {
    const { repo, c } = await coordinatorFor(["alpha", "beta"]);
    for (const w of ["alpha", "beta"]) {
      await repo.addByHand(w);
      repo.build(w);
    }
    await expect(c.pullCoordinatorChanges()).rejects.toThrow(/nothing to pull: pass coordinatorRef/);
    await sh(repo.main, "checkout", "-qb", "coordinator");
    writeFileSync(join(repo.main, "shared.txt"), "coordinator\n");
    await sh(repo.main, "add", "shared.txt");
    await sh(repo.main, "commit", "-qm", "coordinator adds shared.txt");
    await sh(repo.main, "checkout", "-q", "main");
    writeFileSync(join(repo.path("beta"), "shared.txt"), "beta's own\n");
    await sh(repo.path("beta"), "add", "shared.txt");
    await sh(repo.path("beta"), "commit", "-qm", "beta adds shared.txt");
    const betaHead = await sh(repo.path("beta"), "rev-parse", "HEAD");

    const pulled = await c.pullCoordinatorChanges(undefined, { coordinatorRef: "coordinator" });
    expect(pulled.map((o) => [o.name, o.ready, o.state, o.problem?.reason])).toEqual([
      ["alpha", true, "ready", undefined],
      ["beta", false, "merge-conflict", "merge-conflict"],
    ]);
    expect(readFileSync(join(repo.path("alpha"), "shared.txt"), "utf8")).toBe("coordinator\n");
    expect(readFileSync(join(repo.path("beta"), "shared.txt"), "utf8")).toBe("beta's own\n");
    expect(await sh(repo.path("beta"), "rev-parse", "HEAD")).toBe(betaHead);

    const run = await c.runAllScenarios({ pullCoordinator: true, coordinatorRef: "coordinator" });
    expect(run.map((r) => [r.name, r.status, r.reason])).toEqual([
      ["check_alpha", "passed", "exit-zero"],
      ["check_beta", "skipped", "merge-conflict"],
    ]);
    // Without the pull, beta is ready again: the aborted merge left nothing behind.
    expect((await c.verifyWorktreeSetup("beta"))[0]!.state).toBe("ready");
  });
});
