/**
 * Worktree setup: 8 worktrees of a generated 5,000-file repository, `grove worktrees setup` (whole
 * process) against a plain sequential shell loop of `git worktree add` measured in the same run.
 * Target: Grove <= 0.75x the loop. Also: making a second worktree's dependencies ready with the shared
 * install (a `link` step) against a fresh offline `npm install` of the same dependency.
 */
import { execFileSync, spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { median } from "./lib/measure.js";

const GROVE = fileURLToPath(new URL("../../dist/cli/grove.js", import.meta.url));
const FILES = 5000;
const WORKTREES = 8;

function makeRepo(): { root: string; main: string } {
  const root = mkdtempSync(join(tmpdir(), "grove-bench-wt-"));
  const main = join(root, "repo");
  for (let d = 0; d < 50; d++) mkdirSync(join(main, "src", `d${d}`), { recursive: true });
  for (let i = 0; i < FILES; i++)
    writeFileSync(join(main, "src", `d${i % 50}`, `f${i}.txt`), `file ${i}\n${"x".repeat(200)}\n`);
  const git = (...a: string[]) => execFileSync("git", a, { cwd: main, stdio: "ignore" });
  git("init", "-q", "-b", "main");
  git("config", "user.name", "bench");
  git("config", "user.email", "bench@grove.invalid");
  git("add", "-A");
  git("commit", "-qm", "init");
  const names = Array.from({ length: WORKTREES }, (_, i) => `wt${i}`);
  writeFileSync(
    join(main, "scenarios.json"),
    JSON.stringify({ scenarios: names.map((w) => ({ name: `s-${w}`, worktree: w, test_file: "x" })) }),
  );
  writeFileSync(join(main, "grove.pipeline.yaml"), 'version: 1\ntest:\n  run: ["true"]\n');
  return { root, main };
}

const wall = (fn: () => void) => {
  const t = process.hrtime.bigint();
  fn();
  return Number(process.hrtime.bigint() - t) / 1e9;
};

const loopTimes: number[] = [];
const groveTimes: number[] = [];
for (let round = 0; round < 3; round++) {
  const a = makeRepo();
  loopTimes.push(
    wall(() => {
      const script = `for i in $(seq 0 ${WORKTREES - 1}); do git worktree add -q -b loop$i ../repo-worktrees/wt$i || exit 1; done`;
      const r = spawnSync("sh", ["-c", script], { cwd: a.main, stdio: "ignore" });
      if (r.status !== 0) throw new Error("shell loop failed");
    }),
  );
  rmSync(a.root, { recursive: true, force: true });
  const b = makeRepo();
  groveTimes.push(
    wall(() => {
      const r = spawnSync(process.execPath, [GROVE, "worktrees", "setup"], { cwd: b.main, stdio: "ignore" });
      if (r.status !== 0) throw new Error(`grove worktrees setup exited ${r.status}`);
    }),
  );
  rmSync(b.root, { recursive: true, force: true });
}
const loop = median(loopTimes);
const grove = median(groveTimes);
console.log(`worktrees: ${WORKTREES} worktrees of a ${FILES}-file repository (median of 3)`);
console.log(`  sequential shell loop of git worktree add   ${loop.toFixed(3)} s`);
console.log(
  `  grove worktrees setup (whole process)       ${grove.toFixed(3)} s  ${(grove / loop).toFixed(2)}x the loop`,
);
console.log(`  target <= 0.75x: ${grove / loop <= 0.75 ? "met" : "NOT met"}`);

// Shared install: link node_modules from the main repo vs a fresh offline install from npm's cache.
const dep = { name: "bench-app", version: "1.0.0", private: true, dependencies: { yaml: "^2.0.0" } };
const root = mkdtempSync(join(tmpdir(), "grove-bench-install-"));
const fresh = join(root, "fresh");
mkdirSync(fresh);
writeFileSync(join(fresh, "package.json"), JSON.stringify(dep));
const install = spawnSync("npm", ["install", "--offline", "--no-audit", "--no-fund", "--ignore-scripts"], {
  cwd: fresh,
  stdio: "ignore",
});
const freshSeconds = wall(() => {
  rmSync(join(fresh, "node_modules"), { recursive: true, force: true });
  spawnSync("npm", ["install", "--offline", "--no-audit", "--no-fund", "--ignore-scripts"], {
    cwd: fresh,
    stdio: "ignore",
  });
});
const linked = join(root, "linked");
mkdirSync(linked);
writeFileSync(join(linked, "package.json"), JSON.stringify(dep));
const { symlinkSync } = await import("node:fs");
const linkSeconds = wall(() => symlinkSync(join(fresh, "node_modules"), join(linked, "node_modules"), "dir"));
rmSync(root, { recursive: true, force: true });
if (install.status === 0) {
  console.log(
    `  second worktree's dependencies: fresh offline npm install ${freshSeconds.toFixed(3)} s, shared (link step) ${(linkSeconds * 1000).toFixed(2)} ms`,
  );
} else console.log("  (npm cache has no yaml package: shared-install comparison skipped)");
