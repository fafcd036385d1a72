/**
 * Leak scan cost: one survivor scan (two passes until stable) with 500 unrelated processes on the
 * machine, worst case (every process old enough to be read) and typical (only processes started since
 * the attempt began), printed beside the cost of one no-op scenario measured in the same run.
 */
import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

// Load the built package (it finds its schemas and package.json beside dist/).
const dist = (path: string) => new URL(`../../dist/${path}`, import.meta.url).href;
const { Coordinator } = (await import(dist("index.js"))) as typeof import("../src/index.js");
const { bootTicksNow, findSurvivors } = (await import(
  dist("resources/process-scan.js")
)) as typeof import("../src/resources/process-scan.js");

import { median } from "./lib/measure.js";

const root = mkdtempSync(join(tmpdir(), "grove-bench-scan-"));
const main = join(root, "repo");
execFileSync("sh", [
  "-c",
  `git init -q -b main ${main} && cd ${main} && git -c user.name=b -c user.email=b@x commit -q --allow-empty -m i && git worktree add -q -b feature/test-w ../repo-worktrees/w`,
]);
const c = new Coordinator({ mainRepo: main, basePath: join(root, "repo-worktrees") });
for (let i = 0; i < 100; i++) c.registerScenario({ name: `s${i}`, worktree: "w", run: ["true"] });
const t = process.hrtime.bigint();
await c.runAllScenarios({ maxWorkers: 1 });
const perScenario = Number(process.hrtime.bigint() - t) / 1e6 / 100;
const strangers: ChildProcess[] = [];
for (let i = 0; i < 500; i++) strangers.push(spawn("sleep", ["120"], { stdio: "ignore" }));
await new Promise((r) => setTimeout(r, 500));

async function timeScan(sinceTicks: number): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i < 20; i++) {
    const t = process.hrtime.bigint();
    await findSurvivors({ runId: "bench", scenario: "none", sinceTicks });
    times.push(Number(process.hrtime.bigint() - t) / 1e6);
  }
  return median(times);
}
const worst = await timeScan(0);
const typical = await timeScan(await bootTicksNow());

for (const s of strangers) s.kill("SIGKILL");
rmSync(root, { recursive: true, force: true });

console.log("leak scan with 500 unrelated processes (median of 20)");
console.log(`  one no-op scenario (baseline, 1 worker)         ${perScenario.toFixed(2)} ms`);
console.log(
  `  scan, typical (only processes newer than the attempt)  ${typical.toFixed(2)} ms  ${(typical / perScenario).toFixed(2)}x a scenario`,
);
console.log(
  `  scan, worst case (every process's environ read)        ${worst.toFixed(2)} ms  ${(worst / perScenario).toFixed(2)}x a scenario`,
);
