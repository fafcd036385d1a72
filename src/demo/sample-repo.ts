/**
 * Creates a throwaway sample repository for `npm run demo`: a main repo with a scenarios file, a
 * pipeline, Node test scripts that pass, fail, flake, and hang with a stubborn grandchild, and
 * worktree branches. Used by the demo and the end-to-end tests; never touches anything outside `root`.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { execa } from "execa";
import { worktreePath } from "../steps/worktree-paths.js";

export interface SampleRepo {
  root: string;
  mainRepo: string;
  basePath: string;
  scenariosFile: string;
}

const TESTS: Record<string, string> = {
  "tests/pass.mjs": `console.log("ok: " + process.env.GROVE_SCENARIO);\n`,
  "tests/fail.mjs": `console.log("checking parser output...");\nconsole.error("AssertionError: expected 3 tokens, got 2");\nprocess.exit(1);\n`,
  "tests/flaky.mjs": `const attempt = Number(process.env.GROVE_ATTEMPT ?? "1");\nif (attempt < 2) { console.error("flaky: failing on attempt " + attempt); process.exit(1); }\nconsole.log("passed on attempt " + attempt);\n`,
  "tests/hang.mjs": [
    `import { spawn } from "node:child_process";`,
    `// A grandchild that ignores SIGTERM: only a process-group SIGKILL ends it.`,
    `spawn(process.execPath, ["-e", "process.on('SIGTERM', () => {}); setInterval(() => {}, 1000)"], { stdio: "inherit" });`,
    `console.log("started a stubborn helper; now hanging");`,
    `setInterval(() => {}, 1000);`,
    ``,
  ].join("\n"),
  "tests/slow.mjs": `setTimeout(() => console.log("slow but fine"), Number(process.argv[2] ?? 300));\n`,
};

const PIPELINE = `# yaml-language-server: $schema=https://grove.dev/schemas/pipeline.schema.json
version: 1
name: sample
worktree:
  branch: "feature/test-{worktree}"
test:
  run: [node, "{test_file}"]
  timeout: 30
  kill_grace: 1
  max_per_worktree: 1
`;

const SCENARIOS = {
  scenarios: [
    {
      name: "lexer_basics",
      description: "Lexer splits tokens",
      worktree: "parser",
      test_file: "tests/pass.mjs",
      dependencies: [],
      timeout: 30,
      tags: ["parser", "fast"],
    },
    {
      name: "parser_errors",
      description: "Parser reports errors",
      worktree: "parser",
      test_file: "tests/fail.mjs",
      dependencies: ["lexer_basics"],
      timeout: 30,
      tags: ["parser"],
    },
    {
      name: "cli_reports_parse_errors",
      description: "CLI shows parser errors",
      worktree: "cli",
      test_file: "tests/pass.mjs",
      dependencies: ["parser_errors"],
      timeout: 30,
      tags: ["cli"],
    },
    {
      name: "cli_help",
      description: "CLI prints help",
      worktree: "cli",
      test_file: "tests/slow.mjs",
      dependencies: [],
      timeout: 30,
      tags: ["cli", "fast"],
    },
    {
      name: "export_flaky_network",
      description: "Export retries a flaky upload",
      worktree: "export",
      test_file: "tests/flaky.mjs",
      dependencies: ["lexer_basics"],
      timeout: 30,
      retry_count: 2,
      tags: ["export"],
    },
    {
      name: "export_hangs",
      description: "Export hangs and leaves a stubborn helper",
      worktree: "export",
      test_file: "tests/hang.mjs",
      dependencies: [],
      timeout: 2,
      tags: ["export", "slow"],
    },
    {
      name: "export_parquet",
      description: "Export to parquet",
      worktree: "export",
      test_file: "tests/pass.mjs",
      dependencies: ["export_flaky_network"],
      timeout: 30,
      tags: ["export"],
    },
  ],
};

async function git(cwd: string, args: string[]): Promise<void> {
  await execa("git", args, { cwd, stdin: "ignore" });
}

/** Makes the sample under `root` (which should be an empty temp dir). Worktrees are created unless told not to. */
export async function createSampleRepo(
  root: string,
  options: { createWorktrees?: boolean } = {},
): Promise<SampleRepo> {
  const mainRepo = join(root, "sample");
  const basePath = join(root, "sample-worktrees");
  mkdirSync(join(mainRepo, "tests"), { recursive: true });
  for (const [path, text] of Object.entries(TESTS)) writeFileSync(join(mainRepo, path), text);
  writeFileSync(join(mainRepo, "grove.pipeline.yaml"), PIPELINE);
  const scenariosFile = join(mainRepo, "scenarios.json");
  writeFileSync(scenariosFile, `${JSON.stringify(SCENARIOS, null, 2)}\n`);
  writeFileSync(join(mainRepo, ".gitignore"), ".grove/\nintegration_report.*\n");
  await git(mainRepo, ["init", "-q", "-b", "main"]);
  for (const [k, v] of [
    ["user.name", "Grove Demo"],
    ["user.email", "demo@grove.invalid"],
    ["commit.gpgSign", "false"],
    ["gc.auto", "0"],
  ]) {
    await git(mainRepo, ["config", k!, v!]);
  }
  await git(mainRepo, ["add", "-A"]);
  await git(mainRepo, ["commit", "-q", "-m", "Sample project"]);
  if (options.createWorktrees ?? true) {
    mkdirSync(basePath, { recursive: true });
    for (const wt of ["parser", "cli", "export"]) {
      await git(mainRepo, [
        "worktree",
        "add",
        "-q",
        "-b",
        `feature/test-${wt}`,
        "--",
        worktreePath(basePath, wt),
        "HEAD",
      ]);
    }
  }
  return { root, mainRepo, basePath, scenariosFile };
}
