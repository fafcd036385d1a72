/**
 * Makespan: seeded random DAGs of `sleep` scenarios with known durations, on 2 and 8 workers. Prints the
 * wall time of `grove run` (whole process, cold = no recorded durations, warm = with them) as a ratio
 * to the lower bound max(critical path, total work / workers), and `make -j N` on the same DAG.
 * Targets: <= 1.10x the lower bound, never slower than make. Also prints the floor any Node program has
 * here (the bound plus `node -e 0`): on a DAG that make runs at its bound, that floor is above make.
 */
import { spawnSync } from "node:child_process";
import { rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { makeBenchRepo } from "./lib/bench-repo.js";
import { seededRandom, timeCommand } from "./lib/measure.js";

const GROVE = fileURLToPath(new URL("../../dist/cli/bin.js", import.meta.url));
const wall = (cmd: string, args: string[], cwd: string) => {
  const t = process.hrtime.bigint();
  const r = spawnSync(cmd, args, { cwd, stdio: "ignore" });
  if (r.status !== 0) throw new Error(`${cmd} exited ${r.status}`);
  return Number(process.hrtime.bigint() - t) / 1e9;
};

const nodeStart = timeCommand(process.execPath, ["-e", "0"], 5);

function measureDag(seed: number, N: number): void {
  const random = seededRandom(seed);
  const durations = Array.from({ length: N }, () => Math.round((0.2 + random() * 0.8) * 100) / 100);
  const deps = durations.map((_, i) => {
    const d = new Set<number>();
    for (let k = 0; k < 2 && i > 0; k++) if (random() < 0.6) d.add(Math.floor(random() * i));
    return [...d];
  });
  const finish: number[] = [];
  durations.forEach((d, i) => {
    finish[i] = d + Math.max(0, ...deps[i]!.map((x) => finish[x]!));
  });
  const criticalPath = Math.max(...finish);
  const total = durations.reduce((a, b) => a + b, 0);

  const scenarios = durations.map((d, i) => ({
    name: `s${i}`,
    worktree: "w",
    test_file: "x",
    run: ["sleep", String(d)],
    dependencies: deps[i]!.map((x) => `s${x}`),
    timeout: 30,
  }));
  const repo = makeBenchRepo(
    ["w"],
    'version: 1\ntest:\n  run: ["true"]\n  max_per_worktree: 100\n',
    scenarios,
  );
  const makefile = [
    `all: ${scenarios.map((s) => s.name).join(" ")}`,
    ...scenarios.map((s, i) => `${s.name}: ${s.dependencies.join(" ")}\n\t@sleep ${durations[i]}`),
  ].join("\n");
  writeFileSync(join(repo.root, "Makefile"), `${makefile}\n`);

  console.log(
    `makespan: ${N} sleep scenarios, random DAG (seed ${seed}); critical path ${criticalPath.toFixed(2)} s, total work ${total.toFixed(2)} s`,
  );
  for (const workers of [2, 8]) {
    const bound = Math.max(criticalPath, total / workers);
    rmSync(join(repo.main, ".grove"), { recursive: true, force: true });
    const cold = wall(
      process.execPath,
      [GROVE, "run", "--workers", String(workers), "--report", join(repo.root, "r.json")],
      repo.main,
    );
    const warm = wall(
      process.execPath,
      [GROVE, "run", "--workers", String(workers), "--report", join(repo.root, "r.json")],
      repo.main,
    );
    const make = wall("make", ["-s", `-j${workers}`, "-f", join(repo.root, "Makefile"), "all"], repo.root);
    console.log(`  ${workers} workers: lower bound ${bound.toFixed(2)} s`);
    console.log(
      `    make -j${workers}               ${make.toFixed(2)} s  ${(make / bound).toFixed(3)}x bound`,
    );
    console.log(
      `    grove (no history)      ${cold.toFixed(2)} s  ${(cold / bound).toFixed(3)}x bound  ${(cold / make).toFixed(3)}x make`,
    );
    console.log(
      `    grove (with durations)  ${warm.toFixed(2)} s  ${(warm / bound).toFixed(3)}x bound  ${(warm / make).toFixed(3)}x make`,
    );
    // What no Node program can beat: the bound plus starting Node itself (make starts in ~1 ms).
    console.log(
      `    floor for any Node tool: bound + node start (${nodeStart.toFixed(3)} s) = ${((bound + nodeStart) / make).toFixed(3)}x make`,
    );
  }
  rmSync(repo.root, { recursive: true, force: true });
}

// The DAG of earlier measurements, and a wider one where the order of starts matters more.
measureDag(7, 30);
measureDag(11, 60);
