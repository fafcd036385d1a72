/**
 * A throwaway repository with many cheap scenarios, for the inspector's browser tests and benchmark:
 * no-op commands (`true`), a few that fail, a few that pass on their second attempt, and dependencies
 * inside and across worktrees. Worktrees are created by `grove run --setup-worktrees` itself (a
 * one-step setup), so their machines go through their setup states. Never touches anything outside
 * `root`.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { execa } from "execa";

export interface LargeRunOptions {
  scenarios: number;
  worktrees: number;
  /** Scenarios whose command exits 1 (their dependents are skipped). */
  failures?: number;
  /** Scenarios that fail their first attempt and pass their second. */
  flaky?: number;
  /** Every other scenario's command (default `true`, a no-op): bench/inspector.ts gives them work. */
  command?: string[];
  /**
   * A path: every worktree's setup step waits until it exists, so a test can hold the run until it is
   * watching (a no-op run of 1,000 scenarios can end before a browser has opened its page).
   */
  gate?: string;
}

export interface LargeRun {
  mainRepo: string;
  /** Names of the scenarios made to fail, and to flake. */
  failing: string[];
  flaky: string[];
}

const pipeline = (setup: string[]) => `version: 1
name: large
worktree:
  branch: "feature/test-{worktree}"
  setup:
    - name: install
      run: ${JSON.stringify(setup)}
test:
  run: ["true"]
  timeout: 60
  max_per_worktree: 2
`;

/** Waits for the file named by its argument: polls, as a shell loop would, without a shell. */
const WAIT_FOR_FILE = `const { existsSync } = require("node:fs");
const t = setInterval(() => existsSync(process.argv[2]) && clearInterval(t), 20);
`;

/** A command that waits for `gate` to exist (its script written into `root`). */
function waitFor(root: string, gate: string): string[] {
  const waiter = join(root, "wait-for-gate.cjs");
  writeFileSync(waiter, WAIT_FOR_FILE);
  return ["node", waiter, gate];
}

/** Deterministic: scenario i depends on one earlier scenario of its worktree and, every 7th, one of another. */
export async function createLargeRun(root: string, options: LargeRunOptions): Promise<LargeRun> {
  const mainRepo = join(root, "large");
  mkdirSync(mainRepo, { recursive: true });
  const n = options.scenarios;
  const w = Math.max(1, options.worktrees);
  const failEvery = options.failures ? Math.floor(n / options.failures) : 0;
  const flakyEvery = options.flaky ? Math.floor(n / options.flaky) : 0;
  const failing: string[] = [];
  const flaky: string[] = [];
  const name = (i: number) => `wt${i % w}_scenario_${String(i).padStart(5, "0")}`;
  const scenarios = Array.from({ length: n }, (_, i) => {
    const dependencies: string[] = [];
    if (i >= w) dependencies.push(name(i - w * (1 + (i % 3))));
    if (i % 7 === 3 && i > w) dependencies.push(name(i - 1 - (i % w === 0 ? w : 0)));
    const deps = [...new Set(dependencies.filter((d) => d !== name(i) && !d.includes("-")))];
    let run = options.command ?? ["true"];
    let retry = 0;
    if (failEvery && i % failEvery === failEvery - 1) {
      run = ["false"];
      failing.push(name(i));
    } else if (flakyEvery && i % flakyEvery === Math.floor(flakyEvery / 2)) {
      run = ["sh", "-c", '[ "$GROVE_ATTEMPT" -ge 2 ]'];
      retry = 1;
      flaky.push(name(i));
    }
    return {
      name: name(i),
      description: `generated scenario ${i}`,
      worktree: `wt${i % w}`,
      test_file: "none",
      dependencies: deps,
      run,
      ...(retry ? { retry_count: retry } : {}),
      tags: [i % 2 ? "odd" : "even", ...(i % 10 === 0 ? ["tenth"] : [])],
    };
  });
  const setup = options.gate ? waitFor(root, options.gate) : ["true"];
  writeFileSync(join(mainRepo, "grove.pipeline.yaml"), pipeline(setup));
  writeFileSync(join(mainRepo, "scenarios.json"), `${JSON.stringify({ scenarios })}\n`);
  writeFileSync(join(mainRepo, ".gitignore"), ".grove/\nintegration_report.*\n*.html\n");
  const git = (args: string[]) => execa("git", args, { cwd: mainRepo, stdin: "ignore" });
  await git(["init", "-q", "-b", "main"]);
  for (const [k, v] of [
    ["user.name", "Grove Demo"],
    ["user.email", "demo@grove.invalid"],
    ["commit.gpgSign", "false"],
    ["gc.auto", "0"],
  ])
    await git(["config", k!, v!]);
  await git(["add", "-A"]);
  await git(["commit", "-q", "-m", "Large generated project"]);
  return { mainRepo, failing, flaky };
}
