/**
 * Overhead: 1,000 no-op scenarios (`true`) over 4 worktrees with 4 workers, whole `grove run` process
 * included (start-up, planning, machines, logs, report), against the same 1,000 commands through
 * `xargs -P 4`, through a bare Node loop of child_process.spawn, and through a Python baseline that does
 * what the original coordinator does (a thread pool of 4 running subprocess.run in each worktree, output
 * to a log file per scenario; written by this bench into a temp file), all measured in the same rounds.
 * Targets (issue #15): <= 2.0x the xargs floor with Python, <= 2.5x without (GROVE_PYTHON=/nonexistent);
 * never slower than the Python baseline; the fallback without Python never slower than
 * GROVE_SPAWN_HELPER=node.
 */
import { spawn, spawnSync } from "node:child_process";
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { makeBenchRepo } from "./lib/bench-repo.js";
import { median, row } from "./lib/measure.js";

const N = 1000;
const GROVE = fileURLToPath(new URL("../../dist/cli/grove.js", import.meta.url));
const worktrees = ["w0", "w1", "w2", "w3"];
const pipeline = 'version: 1\ntest:\n  run: ["true"]\n  timeout: 30\n  max_per_worktree: 1\n';
const scenarios = Array.from({ length: N }, (_, i) => ({
  name: `s${i}`,
  worktree: worktrees[i % 4],
  test_file: "x",
  timeout: 30,
}));
const repo = makeBenchRepo(worktrees, pipeline, scenarios);

// The original's shape: a pool of workers, each scenario one subprocess.run in its worktree, its output
// in a log file.
const PYTHON_BASELINE = `import subprocess, sys
from concurrent.futures import ThreadPoolExecutor
base, logs, n = sys.argv[1], sys.argv[2], int(sys.argv[3])
def run(i):
    with open(f"{logs}/s{i}.log", "ab") as log:
        return subprocess.run(["true"], cwd=f"{base}/w{i % 4}", stdout=log, stderr=subprocess.STDOUT).returncode
with ThreadPoolExecutor(max_workers=4) as pool:
    codes = list(pool.map(run, range(n)))
sys.exit(1 if any(codes) else 0)
`;
const pythonScript = join(repo.root, "baseline.py");
const pythonLogs = join(repo.root, "python-logs");
writeFileSync(pythonScript, PYTHON_BASELINE);
mkdirSync(pythonLogs);
const hasPython = spawnSync("python3", ["-c", "pass"]).status === 0;

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
const runPython = () =>
  time(() => {
    const r = spawnSync("python3", [pythonScript, repo.base, pythonLogs, String(N)], { stdio: "ignore" });
    if (r.status !== 0) throw new Error(`python baseline exited ${r.status}`);
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
const noPython: number[] = [];
const pythonPool: number[] = [];
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
  () => void noPython.push(runGrove([], { GROVE_PYTHON: "/nonexistent" })),
  ...(hasPython ? [() => void pythonPool.push(runPython())] : []),
];
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
for (let round = 0; round < ROUNDS; round++)
  for (let k = 0; k < variants.length; k++) await variants[(round + k) % variants.length]!();
const xargsTrue = median(xargsTrueRuns);
const xargs = median(xargsShRuns);
const grove = median(withRecording);
const groveNoRecord = median(withoutRecording);
rmSync(repo.root, { recursive: true, force: true });
console.log(
  `overhead: ${N} no-op scenarios over 4 worktrees, 4 workers (medians of ${ROUNDS} interleaved rounds)`,
);
console.log(row("xargs -P 4 true (floor)", xargsTrue));
console.log(row("xargs -P 4 sh -c true", xargs, xargsTrue));
console.log(row("bare Node child_process.spawn loop", median(bare), xargsTrue));
console.log(row("grove run --no-record (whole process)", groveNoRecord, xargsTrue));
console.log(row("grove run, recording for the inspector", grove, xargsTrue));
console.log(row("GROVE_SPAWN_HELPER=node", median(nodeHelpers), xargsTrue));
console.log(row("without Python (GROVE_PYTHON=/nonexistent)", median(noPython), xargsTrue));
if (hasPython)
  console.log(row("Python baseline: thread pool of subprocess.run", median(pythonPool), xargsTrue));
console.log(
  `recording costs ${(((grove - groveNoRecord) / groveNoRecord) * 100).toFixed(1)}% (noise between runs here is several %)`,
);
const verdict = (ok: boolean) => (ok ? "met" : "NOT met");
// Paired within a round: each ratio compares two runs of the same round, then the median of those.
const paired = (a: number[], b: number[]) => median(a.map((x, i) => x / b[i]!));
const withPython = paired(withRecording, xargsTrueRuns);
const withoutPython = paired(noPython, xargsTrueRuns);
const fallbackVsNode = paired(noPython, nodeHelpers);
console.log(
  `target <= 2.0x xargs with Python: ${verdict(withPython <= 2)} (${withPython.toFixed(2)}x, paired)`,
);
console.log(
  `target <= 2.5x xargs without Python: ${verdict(withoutPython <= 2.5)} (${withoutPython.toFixed(2)}x, paired)`,
);
if (hasPython) {
  const vsPython = paired(withRecording, pythonPool);
  console.log(
    `target never slower than the Python baseline: ${verdict(vsPython <= 1)} (${vsPython.toFixed(2)}x, paired)`,
  );
}
console.log(
  `target fallback never slower than GROVE_SPAWN_HELPER=node: ${verdict(fallbackVsNode <= 1)} (${fallbackVsNode.toFixed(2)}x, paired; noise here is +-10% or more)`,
);
