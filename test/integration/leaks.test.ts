import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { Coordinator } from "../../src/index.js";
import { isAlive } from "../../src/resources/process-table.js";
import { makeRepo, sh } from "../helpers/git-repo.js";
import { FIXTURES } from "../helpers/paths.js";

async function coordinatorWith(
  scenarios: { name: string; run: string[]; timeout?: number }[],
  pipelineYaml = "version: 1\ntest:\n  kill_grace: 0.5\n",
) {
  const repo = await makeRepo();
  await sh(repo.main, "worktree", "add", "-q", "-b", "feature/test-w", join(repo.base, "w"));
  const { writeFileSync } = await import("node:fs");
  writeFileSync(join(repo.root, "p.yaml"), pipelineYaml);
  const c = new Coordinator({
    mainRepo: repo.main,
    basePath: repo.base,
    pipeline: join(repo.root, "p.yaml"),
  });
  for (const s of scenarios)
    c.registerScenario({
      name: s.name,
      worktree: "w",
      run: s.run,
      ...(s.timeout ? { timeout: s.timeout } : {}),
    });
  return { c, repo };
}

const node = (script: string, ...args: string[]) => [process.execPath, join(FIXTURES, script), ...args];

describe("leak detection (real processes)", () => {
  it("finds a setsid daemon and an env -i child: scenarios pass, leaks named with pid and command, both ended", async () => {
    const { c } = await coordinatorWith([
      { name: "daemon", run: node("spawn-daemon.mjs") },
      { name: "untagged", run: node("spawn-untagged.mjs") },
    ]);
    const results = await c.runAllScenarios({ maxWorkers: 2 });
    expect(results.map((r) => r.status)).toEqual(["passed", "passed"]);
    const report = c.generateReport();
    const byScenario = new Map(report.resource_leaks.map((l) => [l.scenario, l]));
    expect(byScenario.get("daemon")).toMatchObject({
      type: "process",
      module: "daemon",
      attempt: 1,
      ended: true,
    });
    expect(byScenario.get("daemon")!.command).toContain("setInterval");
    expect(byScenario.get("untagged")).toMatchObject({ type: "process", ended: true });
    expect(byScenario.get("untagged")!.command).toContain("setInterval");
    for (const leak of report.resource_leaks) expect(isAlive(leak.pid!)).toBe(false);
    expect(report.resource_leaks[0]!.resource_id).toMatch(/^process:\d+$/);
  });

  it("names the loopback port a leaked process listens on", async () => {
    const { c, repo } = await coordinatorWith([]);
    const portFile = join(repo.root, "port");
    c.registerScenario({ name: "server", worktree: "w", run: node("spawn-daemon.mjs", "listen", portFile) });
    await c.runAllScenarios();
    const leak = c.generateReport().resource_leaks.find((l) => l.scenario === "server")!;
    expect(leak.ports).toEqual([Number(readFileSync(portFile, "utf8"))]);
    expect(isAlive(leak.pid!)).toBe(false);
  });

  it("a grandchild ignoring SIGTERM under a timeout is gone after the grace period, and no leak remains", async () => {
    const { c, repo } = await coordinatorWith([]);
    const pidFile = join(repo.root, "gc.pid");
    c.registerScenario({
      name: "stubborn",
      worktree: "w",
      run: node("ignore-sigterm.mjs", pidFile),
      timeout: 3, // long enough for the fixture to start its grandchild on a loaded machine
    });
    const [r] = await c.runAllScenarios();
    expect(r!.status).toBe("timed-out");
    expect(isAlive(Number(readFileSync(pidFile, "utf8")))).toBe(false);
    expect(c.generateReport().resource_leaks).toEqual([]);
  });

  it("with --keep-leaks reports but leaves the process running", async () => {
    const repo = await makeRepo();
    await sh(repo.main, "worktree", "add", "-q", "-b", "feature/test-w", join(repo.base, "w"));
    const { executeRun } = await import("../../src/run/execute-run.js");
    const { planScenarios } = await import("../../src/plan/plan.js");
    const { loadPipeline } = await import("../../src/config/load-pipeline.js");
    const plan = planScenarios([
      {
        name: "d",
        description: "",
        worktree: "w",
        dependencies: [],
        tags: [],
        env: {},
        index: 0,
        run: node("spawn-daemon.mjs"),
      },
    ]);
    if (!plan.ok) throw new Error("plan");
    const out = await executeRun({
      plan: plan.plan,
      pipeline: loadPipeline(undefined),
      mainRepo: repo.main,
      basePath: repo.base,
      runDir: join(repo.root, "run"),
      workers: 1,
      keepLeaks: true,
    });
    const leak = out.leaks[0]!;
    expect(leak.ended).toBe(false);
    expect(isAlive(leak.pid!)).toBe(true);
    process.kill(leak.pid!, "SIGKILL");
  });

  it("a busy machine: processes that are not this run's are never reported nor touched", async () => {
    const { c } = await coordinatorWith([{ name: "clean", run: [process.execPath, "-e", "0"] }]);
    const strangers = [
      spawn(process.execPath, ["-e", "setInterval(() => {}, 1000)"], { stdio: "ignore" }),
      spawn(process.execPath, ["-e", "setInterval(() => {}, 1000)"], {
        stdio: "ignore",
        detached: true,
        env: { ...process.env, GROVE_RUN_ID: "another-run", GROVE_SCENARIO: "clean" },
      }),
    ];
    try {
      await c.runAllScenarios();
      expect(c.generateReport().resource_leaks).toEqual([]);
      for (const s of strangers) expect(isAlive(s.pid!)).toBe(true);
    } finally {
      for (const s of strangers) s.kill("SIGKILL");
    }
  });

  it("one hundred clean runs in a row report zero leaks", async () => {
    const { c } = await coordinatorWith([
      { name: "a", run: [process.execPath, "-e", "0"] },
      { name: "b", run: ["sh", "-c", "true | cat"] },
    ]);
    let leaks = 0;
    for (let i = 0; i < 100; i++) {
      await c.runAllScenarios({ maxWorkers: 2 });
      leaks += c.generateReport().resource_leaks.length;
    }
    expect(leaks).toBe(0);
  }, 120_000);
});
