/**
 * Ctrl-C in every worktree stage (built CLI, real git, real signals): create (`git worktree add`),
 * checkout, each setup step, verify, fetch and merge. Each stage is held by a gate fixture (a hook, a
 * filter, upload-pack or a step) that writes its pid once reached; the test interrupts Grove then.
 * Grove must exit 130 with a partial report, leave no process behind, leave no merge in progress, and
 * the next run must repair the worktree.
 */
import { chmodSync, existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { createSampleRepo, type SampleRepo } from "../../src/demo/sample-repo.js";
import { isAlive, listProcesses, readEnvironment } from "../../src/resources/process-table.js";
import { commonGitDir } from "../../src/steps/worktree-paths.js";
import { gateNextMerge } from "../helpers/gated-merge.js";
import { sh } from "../helpers/git-repo.js";
import { FIXTURES } from "../helpers/paths.js";
import { reportSchemaErrors } from "../helpers/report-schema.js";
import { runGrove, spawnGrove } from "../helpers/run-grove.js";
import { tempDir } from "../helpers/temp-dir.js";
import { pidsIn, waitForFile } from "../helpers/wait-for-file.js";

const GATE = join(FIXTURES, "gate.mjs");
const node = JSON.stringify(process.execPath);

function pipeline(extra: { setup?: string; verify?: string; pull?: string } = {}): string {
  return [
    "version: 1",
    "worktree:",
    '  branch: "feature/test-{worktree}"',
    ...(extra.setup ? ["  setup:", extra.setup] : []),
    ...(extra.verify ? ["  verify:", extra.verify] : []),
    ...(extra.pull ? ["pull:", extra.pull] : []),
    "test:",
    '  run: [node, "{test_file}"]',
    "  kill_grace: 1",
  ].join("\n");
}

async function sample(): Promise<SampleRepo> {
  const s = await createSampleRepo(tempDir(), { createWorktrees: false });
  writeFileSync(
    join(s.mainRepo, "scenarios.json"),
    JSON.stringify({
      scenarios: [{ name: "works", worktree: "cli", test_file: "tests/pass.mjs", tags: [] }],
    }),
  );
  return s;
}

function gateStep(name: string, reached: string, release: string): string {
  return `    - name: ${name}\n      run: [${node}, ${JSON.stringify(GATE)}, ${JSON.stringify(reached)}, ${JSON.stringify(release)}]`;
}

function hook(repo: string, name: string, script: string): void {
  const path = join(repo, ".git", "hooks", name);
  writeFileSync(path, `#!/bin/sh\n${script}\n`);
  chmodSync(path, 0o755);
}

/** A pipeline whose one setup step leaves a daemon running (escaped from its group with setsid). */
function daemonSetup(s: SampleRepo): void {
  writeFileSync(
    join(s.mainRepo, "grove.pipeline.yaml"),
    pipeline({
      setup: `    - name: daemon\n      run: [${node}, ${JSON.stringify(join(FIXTURES, "spawn-daemon.mjs"))}]`,
    }),
  );
}

type Report = {
  summary: { interrupted: boolean };
  scenarios: { name: string; status: string; reason: string }[];
  grove: { run_id: string };
};
const report = (s: SampleRepo) =>
  JSON.parse(readFileSync(join(s.mainRepo, "integration_report.json"), "utf8")) as Report;

function processesOfRun(runId: string): number[] {
  return listProcesses()
    .filter((p) => p.state !== "Z" && readEnvironment(p.pid, ["GROVE_RUN_ID"]).get("GROVE_RUN_ID") === runId)
    .map((p) => p.pid);
}

/** Starts Grove, waits until the gate is reached, sends SIGINT; checks exit 130 and that nothing is left. */
async function interruptAt(s: SampleRepo, reached: string, args: string[]): Promise<Report> {
  const child = spawnGrove(args, s.mainRepo);
  await waitForFile(reached);
  child.kill("SIGINT");
  const r = await child;
  expect(r.exitCode, String(r.stdout) + String(r.stderr)).toBe(130);
  const rep = report(s);
  expect(reportSchemaErrors(rep)).toEqual([]);
  expect(rep.summary.interrupted).toBe(true);
  expect(rep.scenarios.map((x) => x.status)).toEqual(["cancelled"]);
  for (const pid of pidsIn(reached)) expect(isAlive(pid), `gate ${pid} still runs`).toBe(false);
  expect(processesOfRun(rep.grove.run_id)).toEqual([]);
  return rep;
}

async function repairs(s: SampleRepo, args: string[] = ["run", "--setup-worktrees"]): Promise<void> {
  const r = await runGrove(args, s.mainRepo);
  expect(r.exitCode, r.stdout + r.stderr).toBe(0);
  expect(report(s).scenarios.map((x) => x.status)).toEqual(["passed"]);
  expect(existsSync(join(s.basePath, "cli", "tests", "pass.mjs"))).toBe(true);
}

describe("Ctrl-C in every worktree stage (built CLI, real git)", () => {
  it("during git worktree add: exit 130, nothing left, the next run creates it", async () => {
    const s = await sample();
    const reached = join(s.root, "reached");
    hook(s.mainRepo, "reference-transaction", `exec ${node} ${GATE} ${reached}`);
    await interruptAt(s, reached, ["run", "--setup-worktrees"]);
    rmSync(join(s.mainRepo, ".git", "hooks", "reference-transaction"));
    await repairs(s);
  });

  it("during the checkout that fills the new worktree: the next run checks it out again", async () => {
    const s = await sample();
    writeFileSync(join(s.mainRepo, ".gitattributes"), "*.gated filter=gate\n");
    writeFileSync(join(s.mainRepo, "data.gated"), "payload\n");
    await sh(s.mainRepo, "add", "-A");
    await sh(s.mainRepo, "commit", "-qm", "gated file");
    const reached = join(s.root, "reached");
    await sh(s.mainRepo, "config", "filter.gate.smudge", `${node} ${GATE} ${reached}`);
    await interruptAt(s, reached, ["run", "--setup-worktrees"]);
    const listed = await runGrove(["run"], s.mainRepo);
    expect(listed.stdout + listed.stderr).toContain("half-created");
    await sh(s.mainRepo, "config", "--unset", "filter.gate.smudge");
    await repairs(s);
    expect(readFileSync(join(s.basePath, "cli", "data.gated"), "utf8")).toBe("payload\n");
  });

  it.each([1, 2])(
    "during setup step %i of 2: the worktree is half-built and the next run sets it up",
    async (n) => {
      const s = await sample();
      const reached = [1, 2].map((i) => join(s.root, `reached-${i}`));
      const release = [1, 2].map((i) => join(s.root, `release-${i}`));
      writeFileSync(
        join(s.mainRepo, "grove.pipeline.yaml"),
        pipeline({
          setup: [gateStep("one", reached[0]!, release[0]!), gateStep("two", reached[1]!, release[1]!)].join(
            "\n",
          ),
        }),
      );
      if (n === 2) writeFileSync(release[0]!, "");
      await interruptAt(s, reached[n - 1]!, ["run", "--setup-worktrees"]);
      const plain = await runGrove(["run"], s.mainRepo);
      expect(plain.exitCode).toBe(1);
      expect(plain.stdout).toMatch(
        /worktree "cli" not-set-up: Grove's setup began here in run \S+ and did not finish/,
      );
      for (const r of release) writeFileSync(r, "");
      await repairs(s);
    },
  );

  it("during a verify check: exit 130, and the next run verifies again", async () => {
    const s = await sample();
    const reached = join(s.root, "reached");
    const release = join(s.root, "release");
    writeFileSync(
      join(s.mainRepo, "grove.pipeline.yaml"),
      pipeline({
        verify: `    - run: [${node}, ${JSON.stringify(GATE)}, ${JSON.stringify(reached)}, ${JSON.stringify(release)}]`,
      }),
    );
    await interruptAt(s, reached, ["run", "--setup-worktrees"]);
    writeFileSync(release, "");
    await repairs(s);
  });

  it("during git fetch of the coordinator ref: exit 130, and the next run pulls", async () => {
    const s = await sample();
    writeFileSync(
      join(s.mainRepo, "grove.pipeline.yaml"),
      pipeline({ pull: "  from: main\n  remote: origin" }),
    );
    await sh(s.mainRepo, "remote", "add", "origin", s.mainRepo);
    await repairs(s);
    const reached = join(s.root, "reached");
    await sh(s.mainRepo, "config", "remote.origin.uploadpack", `${node} ${GATE} ${reached}`);
    await interruptAt(s, reached, ["run", "--pull-coordinator"]);
    await sh(s.mainRepo, "config", "--unset", "remote.origin.uploadpack");
    await repairs(s, ["run", "--pull-coordinator"]);
  });

  it("during git merge: the merge is aborted (no MERGE_HEAD, no conflict markers), and the next run merges", async () => {
    const s = await sample();
    writeFileSync(join(s.mainRepo, "grove.pipeline.yaml"), pipeline({ pull: "  from: main" }));
    await repairs(s);
    const wt = join(s.basePath, "cli");
    const reached = join(s.root, "reached");
    const { before, hook: mergeHook } = await gateNextMerge(s.mainRepo, wt, reached);
    await interruptAt(s, reached, ["run", "--pull-coordinator"]);
    const gitDir = await sh(wt, "rev-parse", "--path-format=absolute", "--git-dir");
    expect(existsSync(join(gitDir, "MERGE_HEAD"))).toBe(false);
    expect(await sh(wt, "status", "--porcelain")).toBe("");
    expect(await sh(wt, "rev-parse", "HEAD")).toBe(before);
    expect(existsSync(join(wt, "theirs.txt"))).toBe(false);
    rmSync(mergeHook);
    await repairs(s, ["run", "--pull-coordinator"]);
    expect(existsSync(join(wt, "theirs.txt"))).toBe(true);
  });
});

describe("setup steps are tracked for leaks (built CLI)", () => {
  it("a daemon a setup step leaves running is reported with its worktree and step, and ended", async () => {
    const s = await sample();
    daemonSetup(s);
    const r = await runGrove(["run", "--setup-worktrees"], s.mainRepo);
    expect(r.exitCode, r.stdout + r.stderr).toBe(0);
    const rep = JSON.parse(readFileSync(join(s.mainRepo, "integration_report.json"), "utf8"));
    expect(reportSchemaErrors(rep)).toEqual([]);
    expect(rep.resource_leaks).toHaveLength(1);
    expect(rep.resource_leaks[0]).toMatchObject({
      type: "process",
      module: "worktree:cli",
      worktree: "cli",
      step: "daemon",
      ended: true,
    });
    expect(isAlive(rep.resource_leaks[0].pid)).toBe(false);
    expect(processesOfRun(rep.grove.run_id)).toEqual([]);
  });
});

describe("second Ctrl-C during setup (built CLI)", () => {
  it("ends a setup step that ignores SIGTERM at once, under a very long grace, and exits 130", async () => {
    const s = await sample();
    const pidFile = join(s.root, "grandchild.pid");
    writeFileSync(
      join(s.mainRepo, "grove.pipeline.yaml"),
      `${pipeline({
        setup: `    - name: stubborn\n      run: [${node}, ${JSON.stringify(join(FIXTURES, "ignore-sigterm.mjs"))}, ${JSON.stringify(pidFile)}]`,
      }).replace("kill_grace: 1", "kill_grace: 1000")}\n`,
    );
    const child = spawnGrove(["run", "--setup-worktrees"], s.mainRepo);
    const grandchild = Number(await waitForFile(pidFile));
    child.kill("SIGINT");
    await new Promise<void>((resolve) => {
      let seen = "";
      child.stderr!.on("data", (d: Buffer) => {
        seen += d.toString();
        if (seen.includes("stopping")) resolve();
      });
    });
    child.kill("SIGINT");
    const r = await child;
    expect(r.exitCode).toBe(130);
    expect(String(r.stderr)).toContain("again: ending every process now");
    expect(isAlive(grandchild)).toBe(false);
  });
});

describe("grove worktrees setup stops and tracks like a run (built CLI)", () => {
  it("Ctrl-C during a setup step: exit 130, the step's process ended, the worktree half-built", async () => {
    const s = await sample();
    const reached = join(s.root, "reached");
    const release = join(s.root, "release");
    writeFileSync(
      join(s.mainRepo, "grove.pipeline.yaml"),
      pipeline({ setup: gateStep("slow", reached, release) }),
    );
    const child = spawnGrove(["worktrees", "setup"], s.mainRepo);
    await waitForFile(reached);
    const [entry] = readdirSync(join(await commonGitDir(s.mainRepo), "grove-runs"));
    child.kill("SIGINT");
    const r = await child;
    expect(r.exitCode, String(r.stdout) + String(r.stderr)).toBe(130);
    expect(String(r.stderr)).toContain("SIGINT: stopping");
    for (const pid of pidsIn(reached)) expect(isAlive(pid), `gate ${pid} still runs`).toBe(false);
    expect(processesOfRun(entry!.replace(/\.json$/, ""))).toEqual([]);
    const list = await runGrove(["worktrees"], s.mainRepo);
    expect(list.stdout).toMatch(/cli\s+not-set-up/);
    writeFileSync(release, "");
    await repairs(s);
  });

  it("a daemon a setup step leaves running is reported with its step, and ended", async () => {
    const s = await sample();
    daemonSetup(s);
    const r = await runGrove(["worktrees", "setup"], s.mainRepo);
    expect(r.exitCode, r.stdout + r.stderr).toBe(0);
    const leak = /cli: setup step "daemon" left process (\d+) running \(.*\); ended it/.exec(r.stdout);
    expect(leak, r.stdout).not.toBeNull();
    expect(isAlive(Number(leak![1]))).toBe(false);
  });
});
