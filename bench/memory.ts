/**
 * Memory: peak RSS (VmHWM) of `grove run` on 10,000 no-op scenarios over 4 worktrees, read from
 * /proc while it runs, beside a bare `node -e` of the same run's baseline. Target: under 300 MB.
 * BENCH_SCENARIOS=1000,100000 runs those sizes instead (issue #15: 100,000 under 500 MB, and the cost
 * per scenario above the baseline no worse than at the smallest size).
 */
import { spawn } from "node:child_process";
import { readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { makeBenchRepo } from "./lib/bench-repo.js";

const GROVE = fileURLToPath(new URL("../../dist/cli/grove.js", import.meta.url));
async function peakRss(
  cmd: string,
  args: string[],
  cwd: string,
): Promise<{ mb: number; seconds: number; code: number | null }> {
  const t = process.hrtime.bigint();
  const child = spawn(cmd, args, { cwd, stdio: "ignore" });
  let peak = 0;
  const poll = setInterval(() => {
    try {
      const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${child.pid}/status`, "utf8"));
      if (m) peak = Math.max(peak, Number(m[1]) / 1024);
    } catch {}
  }, 25);
  const code = await new Promise<number | null>((r) => child.on("exit", r));
  clearInterval(poll);
  return { mb: peak, seconds: Number(process.hrtime.bigint() - t) / 1e9, code };
}

const SIZES = (process.env.BENCH_SCENARIOS ?? "10000").split(",").map(Number);
const worktrees = ["w0", "w1", "w2", "w3"];
const baseline = await peakRss(process.execPath, ["-e", "setTimeout(() => {}, 300)"], process.cwd());
console.log(
  `memory: no-op scenarios over 4 worktrees; bare node (baseline) peak RSS ${baseline.mb.toFixed(0)} MB`,
);
const perThousand: number[] = [];
for (const N of SIZES) {
  const scenarios = Array.from({ length: N }, (_, i) => ({
    name: `s${i}`,
    worktree: worktrees[i % 4],
    test_file: "x",
    dependencies: i >= 4 && i % 3 === 0 ? [`s${i - 4}`] : [],
    timeout: 30,
  }));
  const repo = makeBenchRepo(
    worktrees,
    'version: 1\ntest:\n  run: ["true"]\n  max_per_worktree: 1\n',
    scenarios,
  );
  const grove = await peakRss(
    process.execPath,
    [GROVE, "run", "--workers", "4", "--report", join(repo.root, "r.json")],
    repo.main,
  );
  rmSync(repo.root, { recursive: true, force: true });
  const per = ((grove.mb - baseline.mb) / N) * 1000;
  perThousand.push(per);
  const target = N >= 100_000 ? 500 : 300;
  console.log(
    `  ${N} scenarios: grove run peak RSS ${grove.mb.toFixed(0)} MB (${(grove.mb / baseline.mb).toFixed(1)}x baseline, ${per.toFixed(1)} MB per 1,000 above it), ${grove.seconds.toFixed(1)} s, exit ${grove.code}; target < ${target} MB: ${grove.mb < target ? "met" : "NOT met"}`,
  );
}
if (SIZES.length > 1)
  console.log(
    `  cost per scenario at ${SIZES.at(-1)} vs ${SIZES[0]}: ${(perThousand.at(-1)! / perThousand[0]!).toFixed(2)}x (target <= 1: ${perThousand.at(-1)! <= perThousand[0]! ? "met" : "NOT met"})`,
  );
