// Mutation testing (Stryker) over the machines, the scheduler and the plan: each mutant is a small
// deliberate bug; the unit and property tests must kill it. `npm run mutation`; survivors are in
// reports/mutation/ and the ones judged equivalent are listed in docs/testing.md.
// One folder at a time: MUTATION_PART=plan|scheduler|machines npm run mutation (own report and
// incremental file each); without it, all three. MUTATION_PART=keep is the code that decides whether
// a worktree holds work and must be kept (its tests are integration tests: vitest.mutation.config.ts).
// @ts-check
const part = process.env.MUTATION_PART;
/** Parts that are a set of files rather than a folder. */
const FILE_PARTS = {
  keep: [
    "src/steps/worktree-status.ts",
    "src/steps/worktree-tree-state.ts",
    "src/steps/worktree-history.ts",
    "src/steps/worktree-git-state.ts",
    "src/steps/worktree-cleanup.ts",
    "src/steps/stale-worktree-entry.ts",
  ],
};
const mutate =
  part && part in FILE_PARTS
    ? FILE_PARTS[/** @type {keyof typeof FILE_PARTS} */ (part)]
    : (part ? [part] : ["machines", "scheduler", "plan"]).map((f) => `src/${f}/**/*.ts`);
// MUTATION_NAME: another report, incremental file and sandbox, for a subset run with --mutate next to
// a running one (merge the JSON reports afterwards).
const name = process.env.MUTATION_NAME ?? part ?? "all";

/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  testRunner: "vitest",
  vitest: { configFile: "vitest.mutation.config.ts", related: false },
  mutate,
  // TypeScript 7 has no JavaScript API, which Stryker's tsconfig rewriting needs; vitest compiles the
  // tests itself, so point that rewriting at a file that does not exist and it does nothing.
  tsconfigFile: "stryker-has-no-tsconfig.json",
  // The machine is shared and has two cores.
  concurrency: Number(process.env.MUTATION_CONCURRENCY ?? 2),
  incremental: true,
  incrementalFile: `reports/stryker-incremental-${name}.json`,
  reporters: ["clear-text", "progress", "html", "json"],
  htmlReporter: { fileName: `reports/mutation/${name}.html` },
  jsonReporter: { fileName: `reports/mutation/${name}.json` },
  thresholds: { high: 90, low: 85, break: null },
  // Each test Stryker runs against a mutant is the set that covered the mutated code in the dry run.
  coverageAnalysis: "perTest",
  // A mutant that loops forever is given up on after 1.5x the covering tests' dry-run time plus 10 s;
  // Stryker counts it as killed ("Timeout"). The slack is wide because the machine is shared: a short
  // one turns a slow survivor into a false "kill". docs/testing.md reports timeouts apart, each checked.
  timeoutMS: 10_000,
  timeoutFactor: 1.5,
  tempDirName: `.stryker-tmp/${name}`,
  // Not copied into the sandbox: other parts' sandboxes (runs of two parts at once would copy each
  // other's files while they change), reports and build output no mutation test reads.
  ignorePatterns: ["/.stryker-tmp", "/reports", "/dist", "/build", "/.grove"],
  cleanTempDir: "always",
};
