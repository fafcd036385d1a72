/**
 * Nothing survives Grove itself being killed (built CLI, real processes, real SIGKILL): after `kill -9`
 * of Grove mid-run its commands keep running (they are their own process groups); the next `grove run`
 * or `grove worktrees` on the repository reports and ends them, and releases the dead run's worktree
 * leases and git worktree locks. `grove worktrees setup` and `grove worktrees pull` are runs too.
 */
import { existsSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { createSampleRepo, type SampleRepo } from "../../src/demo/sample-repo.js";
import { isAlive } from "../../src/resources/process-table.js";
import { commonGitDir } from "../../src/steps/worktree-paths.js";
import { gateNextMerge } from "../helpers/gated-merge.js";
import { sh } from "../helpers/git-repo.js";
import { FIXTURES } from "../helpers/paths.js";
import { runGrove, spawnGrove, waitForOutput } from "../helpers/run-grove.js";
import { tempDir } from "../helpers/temp-dir.js";
import { waitUntil } from "../helpers/wait-for.js";
import { pidsIn, waitForFile } from "../helpers/wait-for-file.js";

function scenarios(s: SampleRepo, run: string[]): void {
  writeFileSync(
    join(s.mainRepo, "scenarios.json"),
    JSON.stringify({ scenarios: [{ name: "victim", worktree: "cli", run, tags: [] }] }),
  );
}

/** A pipeline whose one setup step is a gate that writes its pid to `reached` and waits forever. */
function gatedSetup(s: SampleRepo, reached: string): void {
  writeFileSync(
    join(s.mainRepo, "grove.pipeline.yaml"),
    [
      "version: 1",
      "worktree:",
      '  branch: "feature/test-{worktree}"',
      "  setup:",
      "    - name: slow",
      `      run: [${JSON.stringify(process.execPath)}, ${JSON.stringify(join(FIXTURES, "gate.mjs"))}, ${JSON.stringify(reached)}]`,
      "test:",
      "  run: [node, '{test_file}']",
      "  kill_grace: 1",
    ].join("\n"),
  );
}

/**
 * Starts a run, waits for the file its command writes (and, with `lockOf`, for Grove's git worktree
 * lock on that worktree, which is taken beside the first scenario, not before it), kills Grove with
 * SIGKILL; returns the run id and pids.
 */
async function killGroveMidRun(s: SampleRepo, pidFile: string, args: string[], lockOf?: string) {
  const child = spawnGrove(args, s.mainRepo);
  const header = waitForOutput(child, (seen) => /Grove run (\S+):/.test(seen));
  const pids = (await waitForFile(pidFile)).trim().split(/\s+/).map(Number);
  const runId = /Grove run (\S+):/.exec(await header)![1]!;
  if (lockOf !== undefined) {
    const lockFile = join(await commonGitDir(s.mainRepo), "worktrees", lockOf, "locked");
    await waitUntil(() => existsSync(lockFile), `the git worktree lock ${lockFile}`);
  }
  child.kill("SIGKILL");
  await child;
  for (const pid of pids) expect(isAlive(pid), `${pid} should outlive a SIGKILLed Grove`).toBe(true);
  return { runId, pids };
}

async function expectReleased(s: SampleRepo, runId: string): Promise<void> {
  const common = await commonGitDir(s.mainRepo);
  expect(readdirSync(join(common, "grove-leases")).filter((f) => f.endsWith(".json"))).toEqual([]);
  expect(readdirSync(join(common, "grove-runs"))).not.toContain(`${runId}.json`);
  expect(await sh(s.mainRepo, "worktree", "list", "--porcelain")).not.toContain(`locked grove run ${runId}`);
}

describe("kill -9 of Grove (built CLI)", () => {
  it("the next grove run reports and ends what the dead run left, then releases its lease and lock", async () => {
    const s = await createSampleRepo(tempDir());
    const pidFile = join(s.root, "pids");
    scenarios(s, [process.execPath, join(FIXTURES, "spawn-tree.mjs"), pidFile]);
    const { runId, pids } = await killGroveMidRun(s, pidFile, ["run"], "cli");
    scenarios(s, ["true"]);
    const next = await runGrove(["run"], s.mainRepo);
    expect(next.exitCode, next.stdout + next.stderr).toBe(0);
    expect(next.stderr).toContain(`grove: run ${runId} (pid `);
    for (const pid of pids) {
      expect(next.stderr).toContain(`ended process ${pid} it left running`);
      expect(isAlive(pid)).toBe(false);
    }
    expect(next.stderr).toContain("released its lease on 1 worktree(s)");
    expect(next.stderr).toContain(`unlocked worktree ${join(s.basePath, "cli")}`);
    await expectReleased(s, runId);
  });

  it("grove worktrees does the same for a run killed during a setup step", async () => {
    const s = await createSampleRepo(tempDir(), { createWorktrees: false });
    const reached = join(s.root, "reached");
    gatedSetup(s, reached);
    scenarios(s, ["true"]);
    const { runId, pids } = await killGroveMidRun(s, reached, ["run", "--setup-worktrees"]);
    const list = await runGrove(["worktrees"], s.mainRepo);
    expect(list.exitCode, list.stdout + list.stderr).toBe(0);
    expect(list.stderr).toContain(`ended process ${pids[0]} it left running`);
    expect(isAlive(pids[0]!)).toBe(false);
    await expectReleased(s, runId);
  });

  /** Starts `grove worktrees ACTION`, waits for the gate, kills it; returns the run it registered. */
  async function killWorktreesCommand(s: SampleRepo, reached: string, args: string[]) {
    const child = spawnGrove(["worktrees", ...args], s.mainRepo);
    await waitForFile(reached);
    const registry = join(await commonGitDir(s.mainRepo), "grove-runs");
    const runs = readdirSync(registry).filter((f) => f.endsWith(".json"));
    expect(runs).toHaveLength(1);
    child.kill("SIGKILL");
    await child;
    const pids = pidsIn(reached);
    for (const pid of pids) expect(isAlive(pid), `${pid} should outlive a SIGKILLed Grove`).toBe(true);
    return { runId: runs[0]!.replace(/\.json$/, ""), pids };
  }

  it("grove worktrees setup killed during a setup step: the next grove worktrees ends the step and releases its lease", async () => {
    const s = await createSampleRepo(tempDir(), { createWorktrees: false });
    const reached = join(s.root, "reached");
    gatedSetup(s, reached);
    scenarios(s, ["true"]);
    const { runId, pids } = await killWorktreesCommand(s, reached, ["setup"]);
    const list = await runGrove(["worktrees"], s.mainRepo);
    expect(list.exitCode, list.stdout + list.stderr).toBe(0);
    expect(list.stderr).toContain(`grove: run ${runId} (pid `);
    expect(list.stderr).toContain(`ended process ${pids[0]} it left running`);
    expect(list.stderr).toContain("released its lease on 1 worktree(s)");
    expect(isAlive(pids[0]!)).toBe(false);
    await expectReleased(s, runId);
    // Its setup never finished, and says so.
    expect(list.stdout).toMatch(/cli\s+not-set-up/);
  });

  it("grove worktrees pull killed during the merge: the next grove worktrees ends git and its hook", async () => {
    const s = await createSampleRepo(tempDir());
    writeFileSync(
      join(s.mainRepo, "grove.pipeline.yaml"),
      [
        "version: 1",
        "worktree:",
        '  branch: "feature/test-{worktree}"',
        "pull:",
        "  from: main",
        "test:",
        "  run: [node, '{test_file}']",
        "  kill_grace: 1",
      ].join("\n"),
    );
    scenarios(s, ["true"]);
    const wt = join(s.basePath, "cli");
    const reached = join(s.root, "reached");
    const { before, hook } = await gateNextMerge(s.mainRepo, wt, reached);
    const { runId, pids } = await killWorktreesCommand(s, reached, ["pull", "cli"]);
    const list = await runGrove(["worktrees", "list", "cli"], s.mainRepo);
    expect(list.exitCode, list.stdout + list.stderr).toBe(0);
    expect(list.stderr).toContain(`grove: run ${runId} (pid `);
    expect(list.stderr).toContain(`ended process ${pids[0]} it left running`);
    expect(isAlive(pids[0]!)).toBe(false);
    await expectReleased(s, runId);
    // The merge it was killed in is undone: the worktree is as before, and the next pull merges.
    expect(list.stderr).toContain(`undid the merge it was killed in, in ${wt}`);
    expect(await sh(wt, "rev-parse", "HEAD")).toBe(before);
    expect(await sh(wt, "status", "--porcelain")).toBe("");
    expect(existsSync(join(wt, "theirs.txt"))).toBe(false);
    rmSync(hook);
    const pull = await runGrove(["worktrees", "pull", "cli"], s.mainRepo);
    expect(pull.exitCode, pull.stdout + pull.stderr).toBe(0);
    expect(existsSync(join(wt, "theirs.txt"))).toBe(true);
  });
});
