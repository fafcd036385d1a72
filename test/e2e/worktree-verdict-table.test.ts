/**
 * A table of worktree states, each built for real, and three readers that must agree with the table
 * and with each other: the one readiness function (assessWorktree), `grove worktrees --json` and
 * `grove run` (its report's worktree state and each scenario's status and skip reason).
 */
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parsePipeline } from "../../src/config/load-pipeline.js";
import { commonGitDir } from "../../src/steps/worktree-paths.js";
import { assessWorktree } from "../../src/steps/worktree-readiness.js";
import { markHalfBuilt, markSetupDone } from "../../src/steps/worktree-setup.js";
import { makeRepo, sh } from "../helpers/git-repo.js";
import { runGrove } from "../helpers/run-grove.js";
import { makeSetupRepo, readReport, SETUP_PIPELINE } from "../helpers/setup-repo.js";

type Repo = Awaited<ReturnType<typeof makeSetupRepo>>;
const steps = parsePipeline("p.yaml", SETUP_PIPELINE).worktree.setup;

/** name -> how to build it, and the verdict every reader must give. */
const TABLE: Record<string, { expected: string; make(repo: Repo): Promise<void> }> = {
  "by-hand": {
    expected: "ready",
    make: async (repo) => {
      await repo.addByHand("by-hand");
      repo.build("by-hand");
    },
  },
  "by-original": {
    // The original coordinator: git worktree add <base>/<wt> -b feature/test-<slug>, then its build.
    expected: "ready",
    make: async (repo) => {
      await repo.addByHand("by-original", "-b", "feature/test-by-original");
      repo.build("by-original");
    },
  },
  "by-grove": {
    expected: "ready",
    make: async (repo) => {
      await setupByGrove(repo, "by-grove");
    },
  },
  "build-deleted": {
    // The reported disagreement: the list said ready, the run verify-failed.
    expected: "verify-failed",
    make: async (repo) => {
      await setupByGrove(repo, "build-deleted");
      rmSync(join(repo.path("build-deleted"), "build"), { recursive: true });
    },
  },
  "never-built": {
    expected: "verify-failed",
    make: async (repo) => {
      await repo.addByHand("never-built");
    },
  },
  "setup-changed": {
    expected: "ready",
    make: async (repo) => {
      await repo.addByHand("setup-changed");
      repo.build("setup-changed");
      markSetupDone(repo.path("setup-changed"), [{ ...steps[0]!, name: "an-older-step" }]);
    },
  },
  // Setup began and stopped (failed, Ctrl-C, kill -9): not trusted even though verify passes.
  "half-built": { expected: "not-set-up", make: (repo) => leftHalfway(repo, "half-built", "setup") },
  // A run's git worktree add or checkout was interrupted: --setup-worktrees creates it (resumes).
  "half-created": { expected: "not-set-up", make: (repo) => leftHalfway(repo, "half-created", "create") },
  "other-branch": {
    expected: "ready",
    make: async (repo) => {
      await repo.addByHand("other-branch", "-b", "my-own-branch");
      repo.build("other-branch");
    },
  },
  detached: {
    expected: "ready",
    make: async (repo) => {
      await repo.addByHand("detached", "--detach");
      repo.build("detached");
    },
  },
  "uncommitted-work": {
    expected: "ready",
    make: async (repo) => {
      await repo.addByHand("uncommitted-work");
      repo.build("uncommitted-work");
      writeFileSync(join(repo.path("uncommitted-work"), "tests", "check.mjs"), 'console.log("edited");\n');
      writeFileSync(join(repo.path("uncommitted-work"), "notes.txt"), "mine\n");
    },
  },
  conflicted: {
    expected: "merge-conflict",
    make: async (repo) => {
      await repo.addByHand("conflicted");
      repo.build("conflicted");
      const wt = repo.path("conflicted");
      writeFileSync(join(wt, "shared.txt"), "worktree side\n");
      await sh(wt, "add", "shared.txt");
      await sh(wt, "commit", "-qm", "worktree side");
      await sh(repo.main, "branch", "-q", "other-side", "main");
      await sh(repo.main, "worktree", "add", "-q", join(repo.root, "scratch"), "other-side");
      writeFileSync(join(repo.root, "scratch", "shared.txt"), "other side\n");
      await sh(join(repo.root, "scratch"), "add", "shared.txt");
      await sh(join(repo.root, "scratch"), "commit", "-qm", "other side");
      await sh(wt, "merge", "other-side").catch(() => "conflict, as intended");
    },
  },
  missing: { expected: "worktree-missing", make: async () => {} },
  "plain-dir": {
    expected: "not-a-worktree",
    make: async (repo) => {
      mkdirSync(repo.path("plain-dir"), { recursive: true });
      writeFileSync(join(repo.path("plain-dir"), "mine.txt"), "keep\n");
    },
  },
  "other-repo": {
    expected: "not-a-worktree",
    make: async (repo) => {
      const other = await makeRepo();
      await sh(other.main, "worktree", "add", "-q", "-b", "x", repo.path("other-repo"));
    },
  },
};

/** A built worktree an earlier run left marked half-built at `stage`. */
async function leftHalfway(repo: Repo, name: string, stage: "create" | "setup"): Promise<void> {
  await repo.addByHand(name);
  repo.build(name);
  markHalfBuilt(repo.path(name), stage, "an-earlier-run");
}

async function setupByGrove(repo: Repo, name: string): Promise<void> {
  const r = await runGrove(["worktrees", "setup", name], repo.main);
  expect(r.exitCode, r.stdout + r.stderr).toBe(0);
}

describe("one readiness verdict: the function, grove worktrees and grove run agree on every state", () => {
  it("for a table of real worktree states", async () => {
    const names = Object.keys(TABLE);
    const repo = await makeSetupRepo(names);
    for (const row of Object.values(TABLE)) await row.make(repo);
    const expected = Object.fromEntries(names.map((n) => [n, TABLE[n]!.expected]));

    const pipeline = parsePipeline("p.yaml", SETUP_PIPELINE);
    const commonDir = await commonGitDir(repo.main);
    const direct: Record<string, string> = {};
    for (const name of names)
      direct[name] = (
        await assessWorktree({
          mainRepo: repo.main,
          commonDir,
          worktree: repo.path(name),
          name,
          branch: `feature/test-${name}`,
          logDir: join(repo.root, "logs"),
          killGraceMs: 1000,
          setup: pipeline.worktree.setup,
          verify: pipeline.worktree.verify,
        })
      ).state;
    expect(direct).toEqual(expected);

    const list = await runGrove(["worktrees", "--json"], repo.main);
    expect(list.exitCode, list.stderr).toBe(0);
    const listed = Object.fromEntries(
      (JSON.parse(list.stdout) as { name: string; state: string }[]).map((w) => [w.name, w.state]),
    );
    expect(listed).toEqual(expected);

    const reportFile = join(repo.root, "report.json");
    const run = await runGrove(["run", "--report", reportFile], repo.main);
    expect([0, 1], run.stderr).toContain(run.exitCode);
    const report = readReport(reportFile);
    expect(Object.fromEntries(report.worktrees.map((w) => [w.name, w.state]))).toEqual(expected);
    for (const s of report.scenarios) {
      const state = expected[s.worktree]!;
      if (state === "ready") expect([s.name, s.status]).toEqual([s.name, "passed"]);
      else expect([s.name, s.status, s.reason]).toEqual([s.name, "skipped", state]);
    }
    // Nothing was set up by the run or the list (no --setup-worktrees).
    for (const name of names)
      expect([name, repo.setupRuns(name)]).toEqual([
        name,
        name.includes("grove") || name === "build-deleted" ? 1 : 0,
      ]);
  });
});
