#!/usr/bin/env node
// Part of `npm run build`, after bundle-cli.mjs: makes the bundled CLI's V8 code cache
// (dist/cli/grove-bundle.cjs.v8cache, src/cli/code-cache.ts) by running the built `grove` on a small
// repository in a temp dir, as a user would: plan, a run that sets up a worktree and has a pass, a
// failure and a skipped dependent (JSON and JUnit reports, cleanup), and the worktree status. Each run
// starts from the cache the one before wrote and adds what it compiled. Each must exit as expected, so
// this is also a smoke test of the bundle: the build fails when it does not.
import { execFileSync, spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const bin = fileURLToPath(new URL("../dist/cli/grove.js", import.meta.url));
const dir = mkdtempSync(join(tmpdir(), "grove-warm-"));
const repo = join(dir, "repo");
try {
  const git = (...args) =>
    execFileSync("git", ["-c", "user.name=grove", "-c", "user.email=grove@localhost", ...args], {
      cwd: repo,
      stdio: "ignore",
    });
  execFileSync("git", ["init", "-q", "-b", "main", repo], { stdio: "ignore" });
  writeFileSync(join(repo, ".gitignore"), ".grove/\nintegration_report.json\n");
  const scenario = (name, run, dependencies = []) => ({
    name,
    worktree: "w",
    test_file: "t",
    run,
    dependencies,
    timeout: 30,
  });
  const scenarios = [
    scenario("passes", ["true"]),
    scenario("fails", ["false"]),
    scenario("skipped", ["true"], ["fails"]),
  ];
  writeFileSync(join(repo, "scenarios.json"), JSON.stringify({ scenarios }, null, 2));
  writeFileSync(
    join(repo, "grove.pipeline.yaml"),
    'version: 1\nworktree:\n  setup:\n    - name: ready\n      run: ["true"]\ntest:\n  run: ["true"]\n',
  );
  git("add", "-A");
  git("commit", "-q", "-m", "warm-up");
  const grove = (expected, env, ...args) => {
    const r = spawnSync(process.execPath, [bin, ...args], {
      cwd: repo,
      encoding: "utf8",
      env: { ...process.env, ...env, NO_COLOR: "1" },
    });
    if (r.status !== expected)
      throw new Error(
        `grove ${args.join(" ")} exited ${r.status ?? r.signal}, expected ${expected}:\n${r.stdout}${r.stderr}`,
      );
    return r.stderr;
  };
  const write = { GROVE_WRITE_CODE_CACHE: "1" };
  grove(0, write, "plan");
  grove(
    1,
    write,
    "run",
    "--setup-worktrees",
    "--cleanup",
    "--junit",
    join(dir, "junit.xml"),
    "--report",
    join(dir, "r.json"),
  );
  grove(0, write, "worktrees");
  const use = grove(0, { GROVE_DEBUG_CODE_CACHE: "1" }, "--version");
  if (use !== "grove: code cache used\n") throw new Error(`the code cache made is not used: ${use}`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
