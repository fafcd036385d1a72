#!/usr/bin/env node
// Compiles the benchmarks and runs the ones named (default: all), each in its own process.
import { spawnSync } from "node:child_process";

const all = ["plan", "overhead", "makespan", "memory", "worktrees", "scan", "shard", "inspector"];
const names = process.argv.slice(2).length ? process.argv.slice(2) : all;
const tsc = spawnSync("npx", ["tsc", "-p", "tsconfig.bench.json"], { stdio: "inherit" });
if (tsc.status !== 0) process.exit(tsc.status ?? 1);
for (const name of names) {
  console.log(`\n== bench/${name}.ts ==`);
  const r = spawnSync(process.execPath, [`build/bench/${name}.js`], { stdio: "inherit" });
  if (r.status !== 0) process.exit(r.status ?? 1);
}
