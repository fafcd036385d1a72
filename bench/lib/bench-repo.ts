/** A git repository with worktrees and a scenarios file, for benchmarks. */

import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

export interface BenchRepo {
  root: string;
  main: string;
  base: string;
}

export function makeBenchRepo(worktrees: string[], pipeline: string, scenarios: unknown[]): BenchRepo {
  const root = mkdtempSync(join(tmpdir(), "grove-bench-"));
  const main = join(root, "repo");
  const base = join(root, "repo-worktrees");
  mkdirSync(main);
  const git = (...args: string[]) => execFileSync("git", args, { cwd: main, stdio: "ignore" });
  git("init", "-q", "-b", "main");
  git("config", "user.name", "bench");
  git("config", "user.email", "bench@grove.invalid");
  writeFileSync(join(main, "README"), "bench\n");
  git("add", "-A");
  git("commit", "-qm", "init");
  for (const wt of worktrees) git("worktree", "add", "-q", "-b", `feature/test-${wt}`, join(base, wt));
  writeFileSync(join(main, "grove.pipeline.yaml"), pipeline);
  writeFileSync(join(main, "scenarios.json"), JSON.stringify({ scenarios }));
  return { root, main, base };
}
