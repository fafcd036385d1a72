import { existsSync, mkdirSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parsePipeline } from "../../src/config/load-pipeline.js";
import { startWorktrees } from "../../src/steps/worktree-lifecycle.js";
import { makeRepo, sh } from "../helpers/git-repo.js";

const PIPELINE = `version: 1
worktree:
  setup:
    - name: build
      shell: "mkdir -p build/deep && touch build/deep/lib.so && ln -s .. build/deep/loop"
  verify:
    - glob: "**/*.so"
    - glob: "{build,dist}/**/lib.[st]o"
  disposable: [build/]
`;

async function lifecycle(repo: { main: string; base: string }, cleanup: boolean) {
  const ready: string[] = [];
  const failed: string[] = [];
  const wt = await startWorktrees({
    mainRepo: repo.main,
    basePath: repo.base,
    pipeline: parsePipeline("p.yaml", PIPELINE),
    runId: "cycle",
    runDir: join(repo.main, ".grove", "runs", "cycle"),
    worktrees: ["loop"],
    setup: true,
    pull: false,
    onReady: (w) => ready.push(w),
    onFailed: (w, c) => failed.push(`${w}: ${c.detail}`),
  });
  const reports = await wt.finish(cleanup);
  return { ready, failed, report: reports[0]! };
}

describe("a worktree holding symlink cycles (real git)", () => {
  it("verify and cleanup finish: globs never follow src/up -> .., nested-repo search never follows build/deep/loop", async () => {
    const repo = await makeRepo({ "src/a.ts": "export {};\n", ".gitignore": "build/\n" });
    symlinkSync("..", join(repo.main, "src", "up"));
    await sh(repo.main, "add", "src/up");
    await sh(repo.main, "commit", "-qm", "a symlink cycle, committed");

    const first = await lifecycle(repo, false);
    expect(first.failed).toEqual([]);
    expect(first.ready).toEqual(["loop"]);
    expect(existsSync(join(repo.base, "loop", "src", "up", "src", "up", "src"))).toBe(true);

    const cleaned = await lifecycle(repo, true);
    expect(cleaned.report.kept_reasons).toBeUndefined();
    expect(cleaned.report.state).toBe("removed");
    expect(existsSync(join(repo.base, "loop"))).toBe(false);
  });

  it("an untracked cycle keeps the worktree as one untracked path, and cleanup still finishes", async () => {
    const repo = await makeRepo({ "f.txt": "x\n", ".gitignore": "build/\n" });
    await lifecycle(repo, false);
    const wt = join(repo.base, "loop");
    mkdirSync(join(wt, "tools"));
    symlinkSync("..", join(wt, "tools", "up"));
    writeFileSync(join(wt, "tools", "note.txt"), "mine\n");
    const r = await lifecycle(repo, true);
    expect(r.report.state).toBe("kept");
    expect(r.report.kept_reasons).toEqual(["2 untracked: tools/note.txt, tools/up"]);
  });
});
