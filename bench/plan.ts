/**
 * Planning 10,000 scenarios (random DAG, ~3 dependencies each), validation included, through the
 * built CLI (`grove plan --json`), against a bare `node -e 0` measured in the same run.
 * Target: under 1 s. BENCH_SCENARIOS=100000 plans that many instead (issue #15: under 3 s).
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { row, seededRandom, timeCommand } from "./lib/measure.js";

const N = Number(process.env.BENCH_SCENARIOS ?? 10_000);
const TARGET = N >= 100_000 ? 3 : 1;
const GROVE = fileURLToPath(new URL("../../dist/cli/grove.js", import.meta.url));

const random = seededRandom(42);
const scenarios = Array.from({ length: N }, (_, i) => {
  const deps = new Set<string>();
  for (let k = 0; k < 3 && i > 0; k++) deps.add(`s${Math.floor(random() * i)}`);
  return {
    name: `s${i}`,
    description: `scenario ${i}`,
    worktree: `wt${i % 20}`,
    test_file: `tests/test_${i}.py::test_it`,
    dependencies: [...deps],
    timeout: 10 + Math.floor(random() * 300),
    tags: [`t${i % 7}`],
  };
});
const dir = mkdtempSync(join(tmpdir(), "grove-bench-plan-"));
writeFileSync(join(dir, "scenarios.json"), JSON.stringify({ scenarios }));

const baseline = timeCommand(process.execPath, ["-e", "0"], 7);
const REPEATS = N >= 100_000 ? 3 : 5;
const plan = timeCommand(process.execPath, [GROVE, "plan", "--json", "--main-repo", dir], REPEATS, {
  cwd: dir,
});
rmSync(dir, { recursive: true, force: true });

console.log(`plan: ${N} scenarios, ~3 dependencies each (median of ${REPEATS})`);
console.log(row("node -e 0 (baseline)", baseline));
console.log(row("grove plan --json (validate + plan)", plan, baseline));
console.log(`target < ${TARGET} s: ${plan < TARGET ? "met" : "NOT met"}`);
