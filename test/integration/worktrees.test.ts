import { existsSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parsePipeline } from "../../src/config/load-pipeline.js";
import type { SkipCause } from "../../src/events.js";
import { startWorktrees } from "../../src/steps/worktree-lifecycle.js";
import { worktreePath } from "../../src/steps/worktree-paths.js";
import { makeRepo, sh } from "../helpers/git-repo.js";

function pipeline(yaml: string) {
  return parsePipeline("p.yaml", `version: 1\n${yaml}`);
}

async function lifecycle(
  repo: { main: string; base: string },
  names: string[],
  yaml: string,
  opts: { setup?: boolean; pull?: boolean; cleanup?: boolean; ref?: string } = {},
) {
  const ready: string[] = [];
  const failed = new Map<string, SkipCause>();
  const wt = await startWorktrees({
    mainRepo: repo.main,
    basePath: repo.base,
    pipeline: pipeline(yaml),
    runId: "test",
    runDir: join(repo.main, ".grove", "runs", "test"),
    worktrees: names,
    setup: opts.setup ?? true,
    pull: opts.pull ?? false,
    ...(opts.ref ? { coordinatorRef: opts.ref } : {}),
    onReady: (w) => ready.push(w),
    onFailed: (w, c) => failed.set(w, c),
  });
  const reports = await wt.finish(opts.cleanup ?? false);
  return { ready, failed, reports: new Map(reports.map((r) => [r.name, r])) };
}

const SETUP = `worktree:
  setup:
    - name: count
      shell: 'echo run >> "$GROVE_MAIN_REPO/../setup-count-$GROVE_WORKTREE"'
    - name: build
      shell: "mkdir -p build && touch build/lib.so"
  verify:
    - glob: "build/*.so"
  disposable: [build/]
`;

describe("worktree lifecycle (real git)", () => {
  it("sets up 8 worktrees in parallel; running setup again is a no-op", async () => {
    const repo = await makeRepo();
    const names = Array.from({ length: 8 }, (_, i) => `wt-${i}`);
    const first = await lifecycle(repo, names, SETUP);
    expect(first.ready.sort()).toEqual([...names].sort());
    expect(first.failed.size).toBe(0);
    const list = await sh(repo.main, "worktree", "list", "--porcelain");
    for (const n of names) {
      expect(list).toContain(`worktree ${join(repo.base, n)}`);
      expect(list).toContain(`branch refs/heads/feature/test-${n}`);
      expect(readFileSync(join(repo.root, `setup-count-${n}`), "utf8")).toBe("run\n");
    }
    const second = await lifecycle(repo, names, SETUP);
    expect(second.ready.length).toBe(8);
    for (const n of names) expect(readFileSync(join(repo.root, `setup-count-${n}`), "utf8")).toBe("run\n");
  });

  it("repairs a half-built worktree instead of calling it missing forever", async () => {
    const repo = await makeRepo();
    const broken = SETUP.replace('shell: "mkdir -p build && touch build/lib.so"', 'shell: "exit 3"');
    const first = await lifecycle(repo, ["half"], broken);
    expect(first.failed.get("half")).toMatchObject({ reason: "setup-failed" });
    expect(first.failed.get("half")!.detail).toContain('setup step 2 "build" failed');
    expect(existsSync(join(repo.base, "half", ".git"))).toBe(true);
    // Without --setup-worktrees the half-built worktree is named for what it is, and left alone.
    const unrepaired = await lifecycle(repo, ["half"], SETUP, { setup: false });
    expect(unrepaired.failed.get("half")).toMatchObject({ reason: "not-set-up" });
    expect(unrepaired.failed.get("half")!.detail).toMatch(
      /Grove's setup began here in run \S+ and did not finish/,
    );
    const second = await lifecycle(repo, ["half"], SETUP);
    expect(second.ready).toEqual(["half"]);
    expect(existsSync(join(repo.base, "half", "build", "lib.so"))).toBe(true);
  });

  it("a changed setup definition reruns setup", async () => {
    const repo = await makeRepo();
    await lifecycle(repo, ["w"], SETUP);
    await lifecycle(repo, ["w"], SETUP.replace("echo run", "echo run2"));
    expect(readFileSync(join(repo.root, "setup-count-w"), "utf8")).toBe("run\nrun2\n");
  });

  it("setup steps without verify checks: a worktree Grove never set up is not-set-up (nothing shows it is ready), one it set up is ready", async () => {
    const repo = await makeRepo();
    const noVerify = 'worktree:\n  setup:\n    - name: build\n      shell: "mkdir -p build"\n';
    await sh(repo.main, "worktree", "add", "-q", "-b", "feature/test-mine", join(repo.base, "mine"));
    const r = await lifecycle(repo, ["mine"], noVerify, { setup: false });
    expect(r.failed.get("mine")).toMatchObject({ reason: "not-set-up" });
    expect(r.failed.get("mine")!.detail).toContain("the pipeline has no verify checks");
    expect((await lifecycle(repo, ["mine"], noVerify)).ready).toEqual(["mine"]);
    expect((await lifecycle(repo, ["mine"], noVerify, { setup: false })).ready).toEqual(["mine"]);
  });

  it("without --setup-worktrees a missing worktree fails with a hint, and nothing is created", async () => {
    const repo = await makeRepo();
    const r = await lifecycle(repo, ["nope"], SETUP, { setup: false });
    expect(r.failed.get("nope")).toMatchObject({ reason: "worktree-missing" });
    expect(existsSync(repo.base)).toBe(false);
  });

  it("a directory in the way that is not our worktree is a clear error and is left alone", async () => {
    const repo = await makeRepo();
    const { mkdirSync } = await import("node:fs");
    mkdirSync(join(repo.base, "busy"), { recursive: true });
    writeFileSync(join(repo.base, "busy", "mine.txt"), "keep me");
    const r = await lifecycle(repo, ["busy"], SETUP);
    expect(r.failed.get("busy")!.detail).toMatch(/is not a git worktree \(no \.git entry\)/);
    expect(readFileSync(join(repo.base, "busy", "mine.txt"), "utf8")).toBe("keep me");
  });

  it("a pull with a conflict is aborted: every file byte-identical, conflicting files listed, scenarios skipped as merge-conflict", async () => {
    const repo = await makeRepo({ "shared.txt": "base\n", "other.txt": "x\n" });
    await lifecycle(repo, ["feat"], "");
    const wt = join(repo.base, "feat");
    writeFileSync(join(wt, "shared.txt"), "feature side\n");
    await sh(wt, "commit", "-qam", "feature change");
    await sh(repo.main, "checkout", "-qb", "coordinator");
    writeFileSync(join(repo.main, "shared.txt"), "coordinator side\n");
    await sh(repo.main, "commit", "-qam", "coordinator change");
    const before = new Map(
      readdirSync(wt)
        .filter((f) => f !== ".git")
        .map((f) => [f, readFileSync(join(wt, f))]),
    );
    const headBefore = await sh(wt, "rev-parse", "HEAD");
    const r = await lifecycle(repo, ["feat"], "", { pull: true, ref: "coordinator" });
    expect(r.failed.get("feat")).toMatchObject({ reason: "merge-conflict" });
    expect(r.failed.get("feat")!.detail).toContain("shared.txt");
    for (const [f, bytes] of before) expect(readFileSync(join(wt, f)).equals(bytes)).toBe(true);
    expect(await sh(wt, "rev-parse", "HEAD")).toBe(headBefore);
    expect(await sh(wt, "status", "--porcelain")).toBe("");
  });

  it("a clean pull merges the coordinator ref without opening an editor", async () => {
    const repo = await makeRepo({ "a.txt": "a\n" });
    await lifecycle(repo, ["feat"], "");
    await sh(repo.main, "checkout", "-qb", "coordinator");
    writeFileSync(join(repo.main, "b.txt"), "b\n");
    await sh(repo.main, "add", "b.txt");
    await sh(repo.main, "commit", "-qm", "coordinator adds b");
    const r = await lifecycle(repo, ["feat"], "", { pull: true, ref: "coordinator" });
    expect(r.ready).toEqual(["feat"]);
    expect(readFileSync(join(repo.base, "feat", "b.txt"), "utf8")).toBe("b\n");
  });

  it("cleanup keeps worktrees with a modified file, an untracked file, an unpushed commit or a lock, and removes only clean ones", async () => {
    const repo = await makeRepo({ "f.txt": "original\n", ".gitignore": "build/\n.env\n" });
    const names = [
      "modified",
      "untracked",
      "unpushed",
      "locked",
      "stashed",
      "clean",
      "clean-with-build",
      "secret-env",
    ];
    await lifecycle(repo, names, "");
    const p = (n: string) => join(repo.base, n);
    writeFileSync(join(p("modified"), "f.txt"), "changed\n");
    writeFileSync(join(p("untracked"), "new.txt"), "new\n");
    writeFileSync(join(p("unpushed"), "f.txt"), "committed\n");
    await sh(p("unpushed"), "commit", "-qam", "work");
    await sh(repo.main, "worktree", "lock", "--reason", "someone else", p("locked"));
    writeFileSync(join(p("stashed"), "f.txt"), "stashed work\n");
    await sh(p("stashed"), "stash", "push", "-q", "-m", "later");
    const { mkdirSync } = await import("node:fs");
    mkdirSync(join(p("clean-with-build"), "build"));
    writeFileSync(join(p("clean-with-build"), "build", "out.o"), "x");
    writeFileSync(join(p("secret-env"), ".env"), "TOKEN=1\n");

    const r = await lifecycle(repo, names, "", { cleanup: true });
    expect(r.reports.get("modified")).toMatchObject({ state: "kept", kept_reasons: ["1 modified"] });
    expect(r.reports.get("untracked")).toMatchObject({
      state: "kept",
      kept_reasons: ["1 untracked: new.txt"],
    });
    expect(r.reports.get("unpushed")).toMatchObject({
      state: "kept",
      kept_reasons: ["1 commit no other ref holds"],
    });
    expect(r.reports.get("locked")).toMatchObject({ state: "kept", kept_reasons: ["locked: someone else"] });
    expect(r.reports.get("stashed")).toMatchObject({ state: "kept", kept_reasons: ["1 stash (stash@{0})"] });
    expect(r.reports.get("secret-env")!.kept_reasons![0]).toContain("ignored but not disposable: .env");
    expect(r.reports.get("clean")!.state).toBe("removed");
    expect(r.reports.get("clean-with-build")!.state).toBe("removed");
    expect(readFileSync(join(p("modified"), "f.txt"), "utf8")).toBe("changed\n");
    expect(readFileSync(join(p("untracked"), "new.txt"), "utf8")).toBe("new\n");
    expect(readFileSync(join(p("secret-env"), ".env"), "utf8")).toBe("TOKEN=1\n");
    expect(await sh(repo.main, "log", "-1", "--format=%s", "feature/test-unpushed")).toBe("work");
    expect(existsSync(p("clean"))).toBe(false);
    const branches = await sh(repo.main, "branch", "--format=%(refname:short)");
    expect(branches).not.toContain("feature/test-clean\n");
    expect(branches).toContain("feature/test-unpushed");
  });

  it('a disposable pattern with a leading slash ("/build/") loads and is anchored at the worktree\'s top', async () => {
    // The documented gitignore-style form: it used to be refused at load time as "an absolute path".
    const repo = await makeRepo({ ".gitignore": "build/\n" });
    const yaml = 'worktree:\n  disposable: ["/build/"]\n';
    await lifecycle(repo, ["top", "nested"], yaml);
    const { mkdirSync } = await import("node:fs");
    mkdirSync(join(repo.base, "top", "build"));
    writeFileSync(join(repo.base, "top", "build", "out.o"), "x");
    mkdirSync(join(repo.base, "nested", "pkg", "build"), { recursive: true });
    writeFileSync(join(repo.base, "nested", "pkg", "build", "out.o"), "keep me");
    const r = await lifecycle(repo, ["top", "nested"], yaml, { cleanup: true });
    expect(r.reports.get("top")!.state).toBe("removed");
    expect(existsSync(join(repo.base, "top"))).toBe(false);
    expect(r.reports.get("nested")).toMatchObject({
      state: "kept",
      kept_reasons: ["ignored but not disposable: pkg/build/"],
    });
    expect(readFileSync(join(repo.base, "nested", "pkg", "build", "out.o"), "utf8")).toBe("keep me");
  });

  it("a link step shares node_modules when the lockfile matches; cleanup removes the worktree and leaves the main repo's node_modules intact", async () => {
    const repo = await makeRepo({
      "package-lock.json": '{"lockfileVersion":3}\n',
      ".gitignore": "node_modules/\n",
    });
    const { mkdirSync } = await import("node:fs");
    mkdirSync(join(repo.main, "node_modules", "dep"), { recursive: true });
    writeFileSync(join(repo.main, "node_modules", "dep", "index.js"), "module.exports = 1;\n");
    const yaml =
      "worktree:\n  setup:\n    - name: share\n      link: { path: node_modules, key_files: [package-lock.json] }\n";
    const first = await lifecycle(repo, ["shared"], yaml);
    expect(first.ready).toEqual(["shared"]);
    expect(readFileSync(join(repo.base, "shared", "node_modules", "dep", "index.js"), "utf8")).toBe(
      "module.exports = 1;\n",
    );
    const r = await lifecycle(repo, ["shared"], yaml, { cleanup: true });
    expect(r.reports.get("shared")!.kept_reasons).toBeUndefined();
    expect(r.reports.get("shared")!.state).toBe("removed");
    expect(existsSync(join(repo.base, "shared"))).toBe(false);
    expect(readFileSync(join(repo.main, "node_modules", "dep", "index.js"), "utf8")).toBe(
      "module.exports = 1;\n",
    );
  });

  it("cleanup never removes a worktree Grove did not create", async () => {
    const repo = await makeRepo();
    await sh(repo.main, "worktree", "add", "-q", "-b", "feature/test-theirs", join(repo.base, "theirs"));
    const r = await lifecycle(repo, ["theirs"], "", { cleanup: true });
    expect(r.reports.get("theirs")!.state).not.toBe("removed");
    expect(existsSync(join(repo.base, "theirs", ".git"))).toBe(true);
  });

  it.each(["../escape", "/etc", "a/b", "-rf", ".."])(
    "refuses the name %s before any git command runs",
    (name) => {
      expect(() => worktreePath("/tmp/base", name)).toThrow(/refusing to touch anything/);
    },
  );
});
