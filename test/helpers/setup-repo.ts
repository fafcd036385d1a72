/**
 * A real repository whose pipeline has a setup that counts its runs and builds `build/lib.so`, a
 * verify check on `build/*.so`, and a test that passes only where the build is there: enough to tell
 * "used as it is" from "set up again" from "skipped".
 */
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { makeRepo, sh } from "./git-repo.js";

export const SETUP_PIPELINE = `version: 1
worktree:
  branch: "feature/test-{worktree}"
  setup:
    - name: count
      shell: 'echo run >> "$GROVE_MAIN_REPO/../setup-$GROVE_WORKTREE.log"'
    - name: build
      shell: "mkdir -p build && touch build/lib.so"
  verify:
    - glob: "build/*.so"
  disposable: [build/]
test:
  run: [node, "{test_file}"]
  timeout: 60
  kill_grace: 1
`;

const CHECK = `import { existsSync } from "node:fs";
if (!existsSync("build/lib.so")) { console.error("build/lib.so is missing"); process.exit(1); }
console.log("built: ok");
`;

/** One scenario per worktree name, each running tests/check.mjs there. */
export async function makeSetupRepo(worktrees: readonly string[]) {
  const repo = await makeRepo({
    "tests/check.mjs": CHECK,
    ".gitignore": "build/\n.grove/\n/integration_report.json\n",
    "grove.pipeline.yaml": SETUP_PIPELINE,
    "scenarios.json": JSON.stringify({
      scenarios: worktrees.map((w) => ({ name: `check_${w}`, worktree: w, test_file: "tests/check.mjs" })),
    }),
  });
  const path = (name: string) => join(repo.base, name);
  return {
    ...repo,
    path,
    /** `git worktree add` by hand (as a user or the original coordinator would). */
    addByHand: async (name: string, ...args: string[]) =>
      sh(
        repo.main,
        "worktree",
        "add",
        "-q",
        ...(args.length ? args : ["-b", `feature/test-${name}`]),
        path(name),
      ),
    build: (name: string) => {
      mkdirSync(join(path(name), "build"), { recursive: true });
      writeFileSync(join(path(name), "build", "lib.so"), "");
    },
    /** How often Grove ran the setup in `name`. */
    setupRuns: (name: string) => {
      try {
        return readFileSync(join(repo.root, `setup-${name}.log`), "utf8")
          .split("\n")
          .filter(Boolean).length;
      } catch {
        return 0;
      }
    },
  };
}

export interface ReportView {
  scenarios: { name: string; worktree: string; status: string; reason: string }[];
  worktrees: { name: string; state: string; branch?: string }[];
}

export function readReport(file: string): ReportView {
  return JSON.parse(readFileSync(file, "utf8")) as ReportView;
}
