/**
 * Planning 10,000 scenarios (random DAG, ~3 dependencies each), validation included, through the
 * built CLI (`grove plan --json`), against a bare `node -e 0` measured in the same run.
 * Target: under 1 s.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { row, seededRandom, timeCommand } from "./lib/measure.js";

const N = 10_000;
const GROVE = fileURLToPath(new URL("../../dist/cli/bin.js", import.meta.url));

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
const plan = timeCommand(process.execPath, [GROVE, "plan", "--json", "--main-repo", dir], 5, { cwd: dir });
rmSync(dir, { recursive: true, force: true });

console.log(`plan: ${N} scenarios, ~3 dependencies each (median of 5)`);
console.log(row("node -e 0 (baseline)", baseline));
console.log(row("grove plan --json (validate + plan)", plan, baseline));
console.log(`target < 1 s: ${plan < 1 ? "met" : "NOT met"}`);
