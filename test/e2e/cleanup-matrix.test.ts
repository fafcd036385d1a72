import { existsSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { disposableMatcher } from "../../src/util/glob-match.js";
import { runGrove } from "../helpers/run-grove.js";
import { measureLoss, takeLedger } from "../helpers/work-ledger.js";
import { type MatrixRepo, makeMatrixRepo, prepareStates, run, STATES } from "../helpers/worktree-states.js";

const isDisposable = disposableMatcher(["build/", "node_modules/"]);
/** Removed states whose branch must stay: the user's own, and one that holds a commit. */
const BRANCH_STAYS = ["user-branch-clean", "deleted-dir-commit"];
const paths = (repo: MatrixRepo) => STATES.map((s) => join(repo.base, s.name));

async function matrix(): Promise<MatrixRepo> {
  const repo = await makeMatrixRepo(STATES);
  const setup = await runGrove(["worktrees", "setup"], repo.main);
  expect(setup.exitCode, setup.stdout + setup.stderr).toBe(0);
  await prepareStates(repo, STATES);
  return repo;
}

/** Clean worktrees (and Grove branches and entries of deleted directories) still there after cleanup. */
async function cleanLeft(repo: MatrixRepo): Promise<string[]> {
  const left: string[] = [];
  const list = await run(repo.main, ["worktree", "list", "--porcelain"]);
  const branches = await run(repo.main, ["branch", "--format=%(refname:short)"]);
  for (const s of STATES.filter((x) => !x.keep)) {
    const path = join(repo.base, s.name);
    if (existsSync(path) || list.includes(`worktree ${path}\n`)) left.push(s.name);
    else if (!BRANCH_STAYS.includes(s.name) && branches.split("\n").includes(`feature/test-${s.name}`))
      left.push(`${s.name} (branch)`);
  }
  return left;
}

function reasonsByName(stdout: string): Map<string, string> {
  return new Map(
    stdout
      .split("\n")
      .filter(Boolean)
      .map((l) => [l.slice(0, l.indexOf(":")), l.slice(l.indexOf(":") + 2)] as const),
  );
}

function expectVerdicts(out: Map<string, string>, would: string): void {
  for (const s of STATES) {
    const line = out.get(s.name) ?? "";
    if (s.keep) {
      expect(line, s.name).toContain(`${would}kept (`);
      expect(line, s.name).toContain(s.reason!);
    } else expect(line, s.name).toMatch(new RegExp(`^${would}removed: `));
  }
}

describe("cleanup over the worktree state matrix (built CLI, real git)", () => {
  it(`grove worktrees clean: ${STATES.length} states, 0 bytes and 0 commits lost, 0 clean worktrees left`, async () => {
    expect(STATES.length).toBeGreaterThanOrEqual(29);
    const repo = await matrix();
    const before = await takeLedger(repo.main, paths(repo), isDisposable);

    const dry = await runGrove(["worktrees", "clean", "--dry-run"], repo.main);
    expect(dry.exitCode, dry.stderr).toBe(0);
    expectVerdicts(reasonsByName(dry.stdout), "would be ");
    expect(reasonsByName(dry.stdout).get("clean")).toContain("branch feature/test-clean deleted");
    expect(reasonsByName(dry.stdout).get("user-branch-clean")).toContain(
      "branch feature/test-user-branch-clean left alone (Grove did not create it)",
    );
    for (const s of STATES.filter((x) => !x.name.startsWith("deleted-dir")))
      expect(existsSync(join(repo.base, s.name)), s.name).toBe(true);

    const clean = await runGrove(["worktrees", "clean"], repo.main);
    expect(clean.exitCode, clean.stderr).toBe(0);
    expectVerdicts(reasonsByName(clean.stdout), "");

    const loss = await measureLoss(repo.main, paths(repo), isDisposable, before);
    expect(loss.what).toEqual([]);
    expect(loss.bytes).toBe(0);
    expect(loss.commits).toBe(0);
    expect(await cleanLeft(repo)).toEqual([]);
    expect(await run(repo.main, ["log", "-1", "--format=%s", "feature/test-user-branch-clean"])).toBe(
      "user work",
    );
    expect(await run(repo.main, ["log", "-1", "--format=%s", "feature/test-deleted-dir-commit"])).toBe(
      "work",
    );
    // A second clean changes nothing and still says why each is kept.
    const again = await runGrove(["worktrees", "clean"], repo.main);
    for (const s of STATES.filter((x) => x.keep))
      expect(reasonsByName(again.stdout).get(s.name), s.name).toContain(s.reason!);
  }, 300_000);

  it(`grove run --cleanup: ${STATES.length} states, 0 bytes and 0 commits lost, 0 clean worktrees left`, async () => {
    const repo = await matrix();
    const before = await takeLedger(repo.main, paths(repo), isDisposable);
    const r = await runGrove(["run", "--cleanup", "--report", join(repo.root, "report.json")], repo.main);
    expect(r.stderr).not.toMatch(/bug in Grove|at .*\.js:\d+/);
    const loss = await measureLoss(repo.main, paths(repo), isDisposable, before);
    expect(loss.what).toEqual([]);
    expect(loss.bytes).toBe(0);
    expect(loss.commits).toBe(0);
    expect(await cleanLeft(repo)).toEqual([]);
    const { readFileSync } = await import("node:fs");
    const report = JSON.parse(readFileSync(join(repo.root, "report.json"), "utf8")) as {
      worktrees: { name: string; state: string; kept_reasons?: string[] }[];
    };
    for (const s of STATES.filter((x) => x.keep)) {
      const w = report.worktrees.find((x) => x.name === s.name);
      expect(w?.state, s.name).toBe("kept");
      expect(w?.kept_reasons?.join("; "), s.name).toContain(s.reason!);
    }
    // The user's lock is still theirs: Grove never unlocks what it did not lock.
    expect(await run(repo.main, ["worktree", "list", "--porcelain"])).toContain("locked on a USB disk");
  }, 300_000);
});
