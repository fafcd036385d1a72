/**
 * Overhead: 1,000 no-op scenarios (`true`) over 4 worktrees with 4 workers, whole `grove run` process
 * included (start-up, planning, machines, logs, report), against the same 1,000 commands through
 * `xargs -P 4` and through a bare Node loop of child_process.spawn, all measured in this run.
 * Target: Grove <= 3x the xargs floor.
 */
import { spawn, spawnSync } from "node:child_process";
import { rmSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { makeBenchRepo } from "./lib/bench-repo.js";
import { median, row } from "./lib/measure.js";

const N = 1000;
const GROVE = fileURLToPath(new URL("../../dist/cli/bin.js", import.meta.url));
const worktrees = ["w0", "w1", "w2", "w3"];
const pipeline = 'version: 1\ntest:\n  run: ["true"]\n  timeout: 30\n  max_per_worktree: 1\n';
const scenarios = Array.from({ length: N }, (_, i) => ({
  name: `s${i}`,
  worktree: worktrees[i % 4],
  test_file: "x",
  timeout: 30,
}));
const repo = makeBenchRepo(worktrees, pipeline, scenarios);

function time(fn: () => void): number {
  const t = process.hrtime.bigint();
  fn();
  return Number(process.hrtime.bigint() - t) / 1e9;
}

async function nodeSpawnLoop(): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < N) {
      next++;
      await new Promise((resolve) => spawn("true", [], { stdio: "ignore" }).on("exit", resolve));
    }
  };
  await Promise.all([worker(), worker(), worker(), worker()]);
}

const runXargs = (command: string) =>
  time(() => spawnSync("sh", ["-c", `seq ${N} | xargs -P 4 ${command}`], { stdio: "ignore" }));
const runGrove = (extra: string[], env: Record<string, string> = {}) =>
  time(() => {
    const r = spawnSync(
      process.execPath,
      [GROVE, "run", "--workers", "4", "--report", `${repo.root}/r.json`, ...extra],
      { cwd: repo.main, stdio: "ignore", env: { ...process.env, ...env } },
    );
    if (r.status !== 0) throw new Error(`grove exited ${r.status}`);
  });
// Every variant once per round, five rounds, each round starting one variant further on: this
// machine's noise comes in waves of seconds, and a variant always run right after another (say, after
// a thousand forks of the bare Node loop) would carry that neighbour's after-effects.
const xargsTrueRuns: number[] = [];
const xargsShRuns: number[] = [];
const bare: number[] = [];
const withRecording: number[] = [];
const withoutRecording: number[] = [];
const nodeHelpers: number[] = [];
const variants: (() => Promise<void> | void)[] = [
  () => void xargsTrueRuns.push(runXargs("-I{} true")),
  () => void xargsShRuns.push(runXargs("-n 1 sh -c true")),
  async () => {
    const t = process.hrtime.bigint();
    await nodeSpawnLoop();
    bare.push(Number(process.hrtime.bigint() - t) / 1e9);
  },
  () => void withRecording.push(runGrove([])),
  () => void withoutRecording.push(runGrove(["--no-record"])),
  () => void nodeHelpers.push(runGrove([], { GROVE_SPAWN_HELPER: "node" })),
];
for (let round = 0; round < 5; round++)
  for (let k = 0; k < variants.length; k++) await variants[(round + k) % variants.length]!();
const xargsTrue = median(xargsTrueRuns);
const xargs = median(xargsShRuns);
const grove = median(withRecording);
const groveNoRecord = median(withoutRecording);
rmSync(repo.root, { recursive: true, force: true });
console.log(`overhead: ${N} no-op scenarios over 4 worktrees, 4 workers (medians of 5 interleaved rounds)`);
console.log(row("xargs -P 4 true (floor)", xargsTrue));
console.log(row("xargs -P 4 sh -c true", xargs, xargsTrue));
console.log(row("bare Node child_process.spawn loop", median(bare), xargsTrue));
console.log(row("grove run --no-record (whole process)", groveNoRecord, xargsTrue));
console.log(row("grove run, recording for the inspector", grove, xargsTrue));
console.log(row("same without Python (Node spawn helpers)", median(nodeHelpers), xargsTrue));
console.log(
  `recording costs ${(((grove - groveNoRecord) / groveNoRecord) * 100).toFixed(1)}% (noise between runs here is several %)`,
);
console.log(
  `target <= 3x the xargs floor: ${grove / xargsTrue <= 3 ? "met" : "NOT met"} (${(grove / xargsTrue).toFixed(2)}x)`,
);
