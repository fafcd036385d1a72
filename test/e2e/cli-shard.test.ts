import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { createSampleRepo } from "../../src/demo/sample-repo.js";
import type { Report } from "../../src/reporters/build-report.js";
import { reportSchemaErrors } from "../helpers/report-schema.js";
import { runGrove, spawnGrove, waitForOutput } from "../helpers/run-grove.js";
import { tempDir } from "../helpers/temp-dir.js";

const read = (dir: string, file: string) => JSON.parse(readFileSync(join(dir, file), "utf8")) as Report;
const statuses = (r: Report) =>
  Object.fromEntries(r.scenarios.map((s) => [s.name, s.status]).sort(([a], [b]) => (a! < b! ? -1 : 1)));

describe("grove run --shard and grove merge-reports (built CLI, one machine)", () => {
  it("three shards merged count what one unsharded run counts, and exit as it does", async () => {
    const sample = await createSampleRepo(tempDir());
    const cwd = sample.mainRepo;
    const whole = await runGrove(["run", "--report", "whole.json"], cwd);
    const shards = [];
    for (const i of [1, 2, 3])
      shards.push(
        await runGrove(
          ["run", "--shard", `${i}/3`, "--shard-split-worktrees", "--report", `s${i}.json`],
          cwd,
        ),
      );
    const parts = [1, 2, 3].map((i) => read(cwd, `s${i}.json`));
    // Every shard has a part: the split put the sample's three groups on three machines.
    expect(parts.map((p) => p.summary.total).every((n) => n > 0)).toBe(true);
    expect(new Set(parts.map((p) => p.grove.plan_hash)).size).toBe(1);
    const merge = await runGrove(
      ["merge-reports", "s1.json", "s2.json", "s3.json", "--report", "merged.json", "--junit", "merged.xml"],
      cwd,
    );
    expect(merge.stderr).toBe("");
    const merged = read(cwd, "merged.json");
    const unsharded = read(cwd, "whole.json");
    expect(reportSchemaErrors(merged)).toEqual([]);
    const { duration: _a, ...mergedCounts } = merged.summary;
    const { duration: _b, ...wholeCounts } = unsharded.summary;
    expect(mergedCounts).toEqual(wholeCounts);
    expect(merged.by_worktree).toEqual(unsharded.by_worktree);
    expect(statuses(merged)).toEqual(statuses(unsharded));
    expect(merge.exitCode).toBe(whole.exitCode);
    expect(shards.map((s) => s.exitCode)).toContain(1);
    expect(readFileSync(join(cwd, "merged.xml"), "utf8")).toContain(`tests="${unsharded.summary.total}"`);
  });

  it("refuses shards of different plans, a shard given twice, and a missing shard (exit 2)", async () => {
    const sample = await createSampleRepo(tempDir());
    const cwd = sample.mainRepo;
    await runGrove(["run", "--shard", "1/2", "--report", "a1.json", "--filter-tag", "fast"], cwd);
    await runGrove(["run", "--shard", "2/2", "--report", "b2.json"], cwd);
    const other = await runGrove(["merge-reports", "a1.json", "b2.json"], cwd);
    expect(other.exitCode).toBe(2);
    expect(other.stderr).toMatch(/comes from another plan/);
    const twice = await runGrove(["merge-reports", "a1.json", "a1.json"], cwd);
    expect(twice.exitCode).toBe(2);
    expect(twice.stderr).toMatch(/both shard 1\/2/);
    // A machine whose checkout runs another command for a scenario is not a shard of this run.
    await runGrove(["run", "--shard", "1/2", "--report", "c1.json"], cwd);
    const scenariosFile = join(cwd, "scenarios.json");
    writeFileSync(
      scenariosFile,
      readFileSync(scenariosFile, "utf8").replace('"tests/slow.mjs"', '"tests/pass.mjs"'),
    );
    await runGrove(["run", "--shard", "2/2", "--report", "c2.json"], cwd);
    const changed = await runGrove(["merge-reports", "c1.json", "c2.json"], cwd);
    expect(changed.stderr).toMatch(/c2.json comes from another plan/);
    expect(changed.exitCode).toBe(2);
    const missing = await runGrove(["merge-reports", "a1.json"], cwd);
    expect(missing.exitCode).toBe(2);
    expect(missing.stderr).toMatch(/shard 2\/2 missing/);
  });

  it("merging a shard that was interrupted says so and counts its cancelled scenarios, and exits 130", async () => {
    const sample = await createSampleRepo(tempDir());
    const cwd = sample.mainRepo;
    const exits: (number | undefined)[] = [];
    for (const i of [1, 2]) {
      const child = spawnGrove(["run", "--shard", `${i}/2`, "--report", `s${i}.json`], cwd);
      // The shard that holds export_hangs is interrupted once it starts; the other runs to its end.
      const started = waitForOutput(child, (seen) => seen.includes("▶ export_hangs"));
      if ((await Promise.race([started.then(() => "started"), child.then(() => "ended")])) === "started")
        child.kill("SIGINT");
      exits.push((await child).exitCode);
    }
    expect(exits).toContain(130);
    const merge = await runGrove(["merge-reports", "s1.json", "s2.json", "--report", "merged.json"], cwd);
    const merged = read(cwd, "merged.json");
    expect(merged.summary.cancelled).toBeGreaterThan(0);
    expect(merge.stdout).toContain(`, ${merged.summary.cancelled} cancelled`);
    expect(merge.stdout).toMatch(/^Merged 2 report\(s\), one of them interrupted: /m);
    expect(merge.exitCode).toBe(130);
  });

  it("the merged job summary walks the critical path back through the dependencies the shards' reports keep", async () => {
    const sample = await createSampleRepo(tempDir());
    const cwd = sample.mainRepo;
    const sh = (script: string) => ["sh", "-c", script];
    writeFileSync(
      join(cwd, "scenarios.json"),
      JSON.stringify({
        scenarios: [
          { name: "first", worktree: "parser", run: sh("true") },
          { name: "second", worktree: "parser", run: sh("true"), dependencies: ["first"] },
          { name: "third", worktree: "parser", run: sh("true"), dependencies: ["second"] },
        ],
      }),
    );
    // One group: shard 1 runs the chain, shard 2 nothing; the chain's links are in one report, the
    // dependencies the walk needs are only in the report, since merge-reports reads no scenarios file.
    for (const i of [1, 2]) await runGrove(["run", "--shard", `${i}/2`, "--report", `s${i}.json`], cwd);
    const summary = join(cwd, "summary.md");
    writeFileSync(summary, "");
    const merge = await runGrove(["merge-reports", "s1.json", "s2.json", "--report", "merged.json"], cwd, {
      GITHUB_ACTIONS: "true",
      GITHUB_STEP_SUMMARY: summary,
    });
    expect(merge.exitCode, merge.stderr).toBe(0);
    const merged = read(cwd, "merged.json");
    expect(reportSchemaErrors(merged)).toEqual([]);
    expect(merged.scenarios.find((s) => s.name === "third")!.dependencies).toEqual(["second"]);
    expect(readFileSync(summary, "utf8")).toMatch(
      /^first \([\d.]+ s\) → second \([\d.]+ s\) → third \([\d.]+ s\)$/m,
    );
  });

  it("grove plan --shard shows an empty part as empty: no critical path with nothing after its colon", async () => {
    const sample = await createSampleRepo(tempDir());
    const cwd = sample.mainRepo;
    writeFileSync(
      join(cwd, "scenarios.json"),
      JSON.stringify({
        scenarios: [
          { name: "first", worktree: "parser", run: ["true"] },
          { name: "second", worktree: "parser", run: ["true"], dependencies: ["first"] },
        ],
      }),
    );
    const full = await runGrove(["plan", "--shard", "1/2"], cwd);
    expect(full.stdout).toMatch(/^Shard 1\/2: 2 of 2 scenario\(s\)/m);
    expect(full.stdout).toMatch(/^Critical path \([^)]*expected\): first -> second$/m);
    const empty = await runGrove(["plan", "--shard", "2/2"], cwd);
    expect(empty.exitCode, empty.stderr).toBe(0);
    expect(empty.stdout).toMatch(/^Shard 2\/2: 0 of 2 scenario\(s\)/m);
    expect(empty.stdout).toMatch(/^Critical path: none \(nothing to run\)$/m);
  });
});
