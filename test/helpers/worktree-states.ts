/**
 * The worktree state matrix: a main repository whose Grove worktrees are each put into one state a
 * user can leave a worktree in (uncommitted, hidden, stashed, unpushed, detached, nested, in progress,
 * locked, or clean), with whether cleanup must keep it and a fragment of the reason it must print.
 */
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { execa } from "execa";
import { tempDir } from "./temp-dir.js";

export async function run(cwd: string, args: string[], env: Record<string, string> = {}): Promise<string> {
  const r = await execa("git", args, { cwd, stdin: "ignore", env: { GIT_EDITOR: "true", ...env } });
  return String(r.stdout).trim();
}
/** Runs git where a failure is the point (a conflicting merge). */
async function attempt(cwd: string, args: string[]): Promise<void> {
  await execa("git", args, { cwd, stdin: "ignore", reject: false, env: { GIT_EDITOR: "true" } });
}
function write(dir: string, rel: string, text: string): void {
  mkdirSync(dirname(join(dir, rel)), { recursive: true });
  writeFileSync(join(dir, rel), text);
}
const FILE_ALLOW = ["-c", "protocol.file.allow=always"];

export interface MatrixRepo {
  root: string;
  main: string;
  base: string;
  /** A separate repository used as a submodule and as a clone nested in build/. */
  lib: string;
}

interface Ctx {
  repo: MatrixRepo;
  wt: string;
  name: string;
}

export interface WorktreeState {
  name: string;
  keep: boolean;
  /** A fragment of one kept reason Grove must print. */
  reason?: string;
  /** Runs before Grove creates the worktrees (to make a branch of the user's own). */
  before?(repo: MatrixRepo, name: string): Promise<unknown>;
  prepare(ctx: Ctx): Promise<unknown>;
}

const commit = async (wt: string, rel: string, text: string, msg = "work") => {
  write(wt, rel, text);
  await run(wt, ["add", "--", rel]);
  await run(wt, ["commit", "-q", "-m", msg]);
};

export const STATES: readonly WorktreeState[] = [
  { name: "clean", keep: false, prepare: async () => {} },
  { name: "clean-build", keep: false, prepare: async ({ wt }) => write(wt, "build/out.o", "object\n") },
  {
    name: "user-branch-clean",
    keep: false,
    before: async ({ main }, name) => run(main, ["branch", `feature/test-${name}`]).then(() => {}),
    prepare: async ({ wt }) => commit(wt, "user.txt", "the user's own commit\n", "user work"),
  },
  {
    name: "deleted-dir",
    keep: false,
    prepare: async ({ wt }) => rmSync(wt, { recursive: true, force: true }),
  },
  {
    name: "detached-clean",
    keep: false,
    prepare: async ({ wt }) => run(wt, ["checkout", "-q", "--detach", "HEAD~1"]),
  },
  {
    name: "other-branch-commit",
    keep: false,
    prepare: async ({ wt, name }) => {
      await run(wt, ["checkout", "-q", "-b", `user/${name}`]);
      await commit(wt, "other.txt", "kept on the user's branch\n");
    },
  },
  {
    name: "assume-unchanged-same",
    keep: false,
    prepare: async ({ wt }) => run(wt, ["update-index", "--assume-unchanged", "f.txt"]),
  },
  {
    name: "nested-clone-clean",
    keep: false,
    prepare: async ({ wt, repo }) => run(wt, ["clone", "-q", repo.lib, "build/dep"]),
  },
  {
    name: "submodule-clean",
    keep: false,
    prepare: async ({ wt }) => run(wt, [...FILE_ALLOW, "submodule", "update", "-q", "--init"]),
  },
  {
    name: "modified",
    keep: true,
    reason: "1 modified",
    prepare: async ({ wt }) => write(wt, "f.txt", "changed\n"),
  },
  {
    name: "deleted-file",
    keep: true,
    reason: "1 modified",
    prepare: async ({ wt }) => rmSync(join(wt, "g.txt")),
  },
  {
    name: "staged",
    keep: true,
    reason: "1 staged",
    prepare: async ({ wt }) => {
      write(wt, "f.txt", "staged change\n");
      await run(wt, ["add", "f.txt"]);
    },
  },
  {
    name: "staged-then-reverted",
    keep: true,
    reason: "1 staged",
    prepare: async ({ wt }) => {
      write(wt, "f.txt", "only in the index\n");
      await run(wt, ["add", "f.txt"]);
      write(wt, "f.txt", "base\ntwo\n");
    },
  },
  {
    name: "staged-new",
    keep: true,
    reason: "1 staged",
    prepare: async ({ wt }) => {
      write(wt, "new.txt", "new file\n");
      await run(wt, ["add", "new.txt"]);
    },
  },
  {
    name: "renamed",
    keep: true,
    reason: "1 staged",
    prepare: async ({ wt }) => run(wt, ["mv", "g.txt", "h.txt"]),
  },
  {
    name: "intent-to-add",
    keep: true,
    reason: "1 intent-to-add",
    prepare: async ({ wt }) => {
      write(wt, "ita.txt", "intent to add\n");
      await run(wt, ["add", "-N", "ita.txt"]);
    },
  },
  {
    name: "untracked",
    keep: true,
    reason: "1 untracked: notes.txt",
    prepare: async ({ wt }) => write(wt, "notes.txt", "mine\n"),
  },
  {
    name: "untracked-newline-name",
    keep: true,
    // Printed quoted, so the name cannot break the line or pass for another reason.
    reason: '1 untracked: "line\\nbreak.txt"',
    prepare: async ({ wt }) => write(wt, "line\nbreak.txt", "mine\n"),
  },
  {
    name: "untracked-many",
    keep: true,
    reason: "5 untracked: a.txt, b.txt, c.txt, +2 more",
    prepare: async ({ wt }) => {
      for (const f of ["a", "b", "c", "d", "e"]) write(wt, `${f}.txt`, `${f}\n`);
    },
  },
  {
    name: "untracked-deep",
    keep: true,
    reason: "2 untracked: drafts/a/b.txt, drafts/c.txt",
    prepare: async ({ wt }) => {
      write(wt, "drafts/a/b.txt", "deep\n");
      write(wt, "drafts/c.txt", "deep too\n");
    },
  },
  {
    name: "ignored-env",
    keep: true,
    reason: "ignored but not disposable: .env",
    prepare: async ({ wt }) => write(wt, ".env", "TOKEN=secret\n"),
  },
  {
    name: "skip-worktree",
    keep: true,
    reason: "1 changed but hidden by skip-worktree: f.txt",
    prepare: async ({ wt }) => {
      await run(wt, ["update-index", "--skip-worktree", "f.txt"]);
      write(wt, "f.txt", "hidden change\n");
    },
  },
  {
    name: "assume-unchanged",
    keep: true,
    reason: "1 changed but hidden by assume-unchanged: g.txt",
    prepare: async ({ wt }) => {
      await run(wt, ["update-index", "--assume-unchanged", "g.txt"]);
      write(wt, "g.txt", "hidden change\n");
    },
  },
  {
    name: "stash",
    keep: true,
    reason: "1 stash",
    prepare: async ({ wt }) => {
      write(wt, "f.txt", "stashed\n");
      await run(wt, ["stash", "push", "-q", "-m", "later"]);
    },
  },
  {
    name: "stash-untracked",
    keep: true,
    reason: "1 stash",
    prepare: async ({ wt }) => {
      write(wt, "u.txt", "untracked, stashed\n");
      await run(wt, ["stash", "push", "-q", "-u"]);
    },
  },
  {
    name: "stash-detached",
    keep: true,
    reason: "1 stash",
    prepare: async ({ wt }) => {
      await run(wt, ["checkout", "-q", "--detach"]);
      write(wt, "g.txt", "stashed on a detached HEAD\n");
      await run(wt, ["stash", "push", "-q"]);
    },
  },
  {
    name: "commit",
    keep: true,
    reason: "1 commit no other ref holds",
    prepare: async ({ wt }) => commit(wt, "c.txt", "committed\n"),
  },
  {
    name: "detached-commit",
    keep: true,
    reason: "1 commit no other ref holds (on a detached HEAD)",
    prepare: async ({ wt }) => {
      await run(wt, ["checkout", "-q", "--detach"]);
      await commit(wt, "d.txt", "on a detached HEAD\n");
    },
  },
  {
    name: "deleted-dir-commit",
    keep: false,
    prepare: async ({ wt }) => {
      // The entry goes; the branch stays, since the commit is on it.
      await commit(wt, "c.txt", "committed, then the directory was deleted\n");
      rmSync(wt, { recursive: true, force: true });
    },
  },
  {
    name: "deleted-dir-detached-commit",
    keep: true,
    reason: "1 commit no other ref holds (on a detached HEAD)",
    prepare: async ({ wt }) => {
      await run(wt, ["checkout", "-q", "--detach"]);
      await commit(wt, "d.txt", "only the entry's HEAD holds this\n");
      rmSync(wt, { recursive: true, force: true });
    },
  },
  {
    name: "user-branch-dirty",
    keep: true,
    reason: "1 modified",
    before: async ({ main }, name) => run(main, ["branch", `feature/test-${name}`]).then(() => {}),
    prepare: async ({ wt }) => write(wt, "f.txt", "uncommitted on the user's branch\n"),
  },
  {
    name: "orphan-staged",
    keep: true,
    reason: "staged",
    prepare: async ({ wt }) => {
      await run(wt, ["switch", "-q", "--orphan", "fresh-start"]);
      write(wt, "orphan2.txt", "staged on an unborn branch\n");
      await run(wt, ["add", "orphan2.txt"]);
    },
  },
  {
    name: "merge-conflict",
    keep: true,
    reason: "merge in progress",
    prepare: async ({ wt }) => {
      await commit(wt, "f.txt", "mine\n");
      await attempt(wt, ["merge", "-q", "side"]);
    },
  },
  {
    name: "merge-no-commit",
    keep: true,
    reason: "merge in progress",
    prepare: async ({ wt }) => run(wt, ["merge", "-q", "--no-ff", "--no-commit", "addition"]),
  },
  {
    name: "rebase-conflict",
    keep: true,
    reason: "rebase in progress",
    prepare: async ({ wt }) => {
      // Not merge-conflict's text: made in the same second, the two commits would be one.
      await commit(wt, "f.txt", "mine, to rebase\n");
      await attempt(wt, ["rebase", "side"]);
    },
  },
  {
    name: "cherry-pick-conflict",
    keep: true,
    reason: "cherry-pick in progress",
    prepare: async ({ wt }) => attempt(wt, ["cherry-pick", "side"]),
  },
  {
    name: "revert-conflict",
    keep: true,
    reason: "revert in progress",
    prepare: async ({ wt }) => {
      await commit(wt, "f.txt", "base\ntwo\nmine\n");
      await attempt(wt, ["revert", "--no-edit", "HEAD~1"]);
    },
  },
  {
    name: "bisect",
    keep: true,
    reason: "bisect in progress",
    prepare: async ({ wt }) => run(wt, ["bisect", "start"]),
  },
  {
    name: "locked",
    keep: true,
    reason: "locked: on a USB disk",
    prepare: async ({ wt, repo }) => run(repo.main, ["worktree", "lock", "--reason", "on a USB disk", wt]),
  },
  {
    name: "nested-untracked-repo",
    keep: true,
    reason: "1 untracked: scratch/",
    prepare: async ({ wt }) => {
      mkdirSync(join(wt, "scratch"));
      await run(join(wt, "scratch"), ["init", "-q", "-b", "main"]);
      await commit(join(wt, "scratch"), "s.txt", "a repository of its own\n");
    },
  },
  {
    name: "nested-clone-commit",
    keep: true,
    reason: "nested repository build/dep: 1 commit no remote or tag holds",
    prepare: async ({ wt, repo }) => {
      await run(wt, ["clone", "-q", repo.lib, "build/dep"]);
      await commit(join(wt, "build/dep"), "patch.txt", "an unpushed fix\n");
    },
  },
  {
    name: "nested-clone-dirty",
    keep: true,
    reason: "nested repository build/dep: 1 changed or untracked",
    prepare: async ({ wt, repo }) => {
      await run(wt, ["clone", "-q", repo.lib, "build/dep"]);
      write(join(wt, "build/dep"), "lib.txt", "edited in the clone\n");
    },
  },
  {
    name: "submodule-modified",
    keep: true,
    reason: "submodule lib: 1 changed or untracked",
    prepare: async ({ wt }) => {
      await run(wt, [...FILE_ALLOW, "submodule", "update", "-q", "--init"]);
      write(join(wt, "lib"), "lib.txt", "edited in the submodule\n");
    },
  },
  {
    name: "submodule-commit",
    keep: true,
    reason: "submodule lib: 1 commit no remote or tag holds",
    prepare: async ({ wt }) => {
      await run(wt, [...FILE_ALLOW, "submodule", "update", "-q", "--init"]);
      await run(join(wt, "lib"), ["checkout", "-q", "-b", "fix"]);
      await commit(join(wt, "lib"), "fix.txt", "an unpushed submodule commit\n");
    },
  },
];

const PIPELINE = `version: 1
worktree:
  branch: "feature/test-{worktree}"
  disposable: [build/, node_modules/]
test:
  run: [node, "{test_file}"]
  timeout: 60
`;

/** Where the matrix repository under `root` keeps its parts. */
export function matrixPaths(root: string): MatrixRepo {
  return { root, main: join(root, "repo"), base: join(root, "repo-worktrees"), lib: join(root, "lib") };
}

/**
 * The main repository (f.txt, g.txt, a test script, a `lib` submodule, branches `side` that conflicts
 * with any change to f.txt and `addition` that adds a file) with a scenario per state's worktree.
 */
export async function makeMatrixRepo(
  states: readonly WorktreeState[],
  /** Defaults to a temp dir removed after the test; a `beforeAll` passes one it removes itself. */
  root = tempDir("grove-matrix-"),
): Promise<MatrixRepo> {
  const repo = matrixPaths(root);
  const identity = [
    "-c",
    "user.name=Test",
    "-c",
    "user.email=test@grove.invalid",
    "-c",
    "commit.gpgSign=false",
  ];
  for (const dir of [repo.lib, repo.main]) {
    mkdirSync(dir);
    await run(dir, ["init", "-q", "-b", "main"]);
    for (const [k, v] of [
      ["user.name", "Test"],
      ["user.email", "test@grove.invalid"],
      ["commit.gpgSign", "false"],
      ["gc.auto", "0"],
    ])
      await run(dir, ["config", k!, v!]);
  }
  await commit(repo.lib, "lib.txt", "library\n", "lib");
  write(repo.main, "f.txt", "base\n");
  write(repo.main, "g.txt", "other\n");
  write(repo.main, "tests/pass.mjs", 'console.log("ok");\n');
  write(repo.main, ".gitignore", "build/\nnode_modules/\n.env\n.grove/\nintegration_report.*\n");
  write(repo.main, "grove.pipeline.yaml", PIPELINE);
  const scenarios = states.map((s) => ({
    name: `s_${s.name.replace(/-/g, "_")}`,
    worktree: s.name,
    test_file: "tests/pass.mjs",
    dependencies: [],
  }));
  write(repo.main, "scenarios.json", `${JSON.stringify({ scenarios }, null, 2)}\n`);
  await run(repo.main, ["add", "-A"]);
  await run(repo.main, ["commit", "-q", "-m", "initial"]);
  await run(repo.main, [...identity, ...FILE_ALLOW, "submodule", "add", "-q", repo.lib, "lib"]);
  await run(repo.main, ["commit", "-q", "-m", "lib submodule"]);
  await run(repo.main, ["checkout", "-q", "-b", "side"]);
  await commit(repo.main, "f.txt", "theirs\n", "side");
  await run(repo.main, ["checkout", "-q", "-b", "addition", "main"]);
  await commit(repo.main, "added.txt", "added\n", "addition");
  await run(repo.main, ["checkout", "-q", "main"]);
  await commit(repo.main, "f.txt", "base\ntwo\n", "two");
  for (const s of states) await s.before?.(repo, s.name);
  return repo;
}

/** Puts each state's worktree (already created by Grove) into its state. */
export async function prepareStates(repo: MatrixRepo, states: readonly WorktreeState[]): Promise<void> {
  for (const s of states) await s.prepare({ repo, wt: join(repo.base, s.name), name: s.name });
}
