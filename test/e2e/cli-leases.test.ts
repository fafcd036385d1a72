/**
 * Two runs on one repository never share a worktree (built CLI, real processes): each worktree is
 * leased to one run at a time; a second run waits (saying who holds it) or, with --no-wait, skips that
 * worktree's scenarios as `worktree-busy`; a lease whose run is dead is taken over, and said so.
 * `grove worktrees clean` takes the lease too: it keeps a worktree a live run holds, naming that run.
 */
import { spawn } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { createSampleRepo, type SampleRepo } from "../../src/demo/sample-repo.js";
import { leaseFile } from "../../src/steps/worktree-lease.js";
import { commonGitDir } from "../../src/steps/worktree-paths.js";
import { FIXTURES } from "../helpers/paths.js";
import { reportSchemaErrors } from "../helpers/report-schema.js";
import { runGrove, spawnGrove, waitForOutput } from "../helpers/run-grove.js";
import { tempDir } from "../helpers/temp-dir.js";
import { waitForFile } from "../helpers/wait-for-file.js";

function scenarios(s: SampleRepo, list: { name: string; worktree: string; run: string[] }[]): void {
  writeFileSync(
    join(s.mainRepo, "scenarios.json"),
    JSON.stringify({ scenarios: list.map((x) => ({ ...x, tags: [] })) }),
  );
}

const gate = (reached: string, release: string) => [
  process.execPath,
  join(FIXTURES, "gate.mjs"),
  reached,
  release,
];

describe("worktree leases across processes (built CLI)", () => {
  it("two runs started together never run in one worktree at the same moment", async () => {
    const s = await createSampleRepo(tempDir());
    const markers = join(s.root, "markers.log");
    scenarios(
      s,
      Array.from({ length: 12 }, (_, i) => ({
        name: `mark_${i}`,
        worktree: ["parser", "cli"][i % 2]!,
        run: [process.execPath, join(FIXTURES, "worktree-marker.mjs"), markers, "250"],
      })),
    );
    const [a, b] = await Promise.all([
      runGrove(["run", "--report", "a.json"], s.mainRepo),
      runGrove(["run", "--report", "b.json"], s.mainRepo),
    ]);
    expect(a.exitCode, a.stdout + a.stderr).toBe(0);
    expect(b.exitCode, b.stdout + b.stderr).toBe(0);
    const lines = readFileSync(markers, "utf8").trim().split("\n");
    expect(lines).toHaveLength(2 * 2 * 12);
    // Per worktree, every start is followed by the end of the same process before the next start.
    const open = new Map<string, string>();
    for (const line of lines) {
      const [what, worktree, pid] = line.split(" ");
      if (what === "start") {
        expect(open.get(worktree!), `overlap in ${worktree}: ${line}`).toBeUndefined();
        open.set(worktree!, pid!);
      } else {
        expect(open.get(worktree!)).toBe(pid);
        open.delete(worktree!);
      }
    }
    // The later run said whom it waited for.
    expect(a.stdout + b.stdout).toMatch(
      /worktree (parser|cli): waiting \(in use by run \d{8}-\d{6}-[0-9a-f]{6} \(pid \d+/,
    );
  });

  it("--no-wait skips a busy worktree's scenarios as worktree-busy, naming the run that holds it", async () => {
    const s = await createSampleRepo(tempDir());
    const reached = join(s.root, "reached");
    const release = join(s.root, "release");
    scenarios(s, [{ name: "hold", worktree: "cli", run: gate(reached, release) }]);
    const holder = spawnGrove(["run", "--report", "holder.json"], s.mainRepo);
    const started = waitForOutput(holder, (seen) => /Grove run (\S+):/.test(seen));
    await waitForFile(reached);
    const holderRun = /Grove run (\S+):/.exec(await started)![1]!;
    scenarios(s, [
      { name: "busy", worktree: "cli", run: ["true"] },
      { name: "free", worktree: "parser", run: ["true"] },
    ]);
    const r = await runGrove(["run", "--no-wait", "--report", "skipped.json"], s.mainRepo);
    expect(r.exitCode, r.stdout + r.stderr).toBe(1);
    const report = JSON.parse(readFileSync(join(s.mainRepo, "skipped.json"), "utf8"));
    expect(reportSchemaErrors(report)).toEqual([]);
    const by = new Map(report.scenarios.map((x: { name: string }) => [x.name, x]));
    expect(by.get("busy")).toMatchObject({ status: "skipped", reason: "worktree-busy" });
    expect((by.get("busy") as { detail: string }).detail).toContain(`in use by run ${holderRun}`);
    expect(by.get("free")).toMatchObject({ status: "passed" });
    writeFileSync(release, "");
    expect((await holder).exitCode).toBe(0);
  });

  it("takes over a lease whose run is dead (its pid gone, or reused by another process) and says so", async () => {
    const s = await createSampleRepo(tempDir());
    scenarios(s, [
      { name: "one", worktree: "cli", run: ["true"] },
      { name: "two", worktree: "parser", run: ["true"] },
    ]);
    const common = await commonGitDir(s.mainRepo);
    const dead = spawn("true");
    await new Promise((r) => dead.once("exit", r));
    mkdirSync(join(common, "grove-leases"), { recursive: true });
    const lease = (path: string, owner: object) =>
      writeFileSync(
        leaseFile(common, path),
        JSON.stringify({ started_at: "2026-01-01T00:00:00Z", path, ...owner }),
      );
    lease(join(s.basePath, "cli"), { run_id: "dead-run", pid: dead.pid });
    // This test's own pid, alive, but with a start time it never had: a reused pid.
    lease(join(s.basePath, "parser"), { run_id: "reused-run", pid: process.pid, start_ticks: 1 });
    const r = await runGrove(["run"], s.mainRepo);
    expect(r.exitCode, r.stdout + r.stderr).toBe(0);
    expect(r.stdout).toContain(
      `worktree cli: lease-taken-over (took over the lease of run dead-run (pid ${dead.pid}`,
    );
    expect(r.stdout).toContain("worktree parser: lease-taken-over (took over the lease of run reused-run");
  });

  it("grove worktrees clean keeps a worktree a live run holds, naming the run, and removes it once free", async () => {
    const s = await createSampleRepo(tempDir(), { createWorktrees: false });
    const reached = join(s.root, "reached");
    const release = join(s.root, "release");
    scenarios(s, [
      { name: "hold", worktree: "cli", run: gate(reached, release) },
      { name: "done", worktree: "parser", run: ["true"] },
    ]);
    const holder = spawnGrove(["run", "--setup-worktrees", "--report", "holder.json"], s.mainRepo);
    const started = waitForOutput(holder, (seen) => /Grove run (\S+):/.test(seen));
    await waitForFile(reached);
    const holderRun = /Grove run (\S+):/.exec(await started)![1]!;
    const clean = await runGrove(["worktrees", "clean"], s.mainRepo);
    expect(clean.exitCode, clean.stdout + clean.stderr).toBe(0);
    expect(clean.stdout).toMatch(
      new RegExp(
        `cli: kept \\(in use by run ${holderRun} \\(pid ${holder.pid}, since [^)]+\\): \\S*node\\S* \\S+ run --setup-worktrees`,
      ),
    );
    expect(existsSync(join(s.basePath, "cli"))).toBe(true);
    writeFileSync(release, "");
    expect((await holder).exitCode).toBe(0);
    const after = await runGrove(["worktrees", "clean"], s.mainRepo);
    expect(after.stdout).toContain("cli: removed");
    expect(existsSync(join(s.basePath, "cli"))).toBe(false);
  });
});
