/**
 * The error boundary holds for hostile input (issue #12): generated malformed scenarios files,
 * pipelines and argument lists never produce a stack trace, "bug in Grove" or an exit code outside
 * {0, 2, 4}; every configuration error names the file and a line:column or JSON path; every case
 * finishes within its budget. Fixed seed. FUZZ_RUNS=100000 (npm run fuzz) runs the long campaign and
 * prints what it found.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import fc from "fast-check";
import { afterAll, describe, expect, it } from "vitest";
import { INSPECT_OPTIONS } from "../../src/cli/commands/inspect-command.js";
import { PLAN_OPTIONS } from "../../src/cli/commands/plan-command.js";
import { RUN_OPTIONS } from "../../src/cli/commands/run-command.js";
import { WORKTREES_OPTIONS } from "../../src/cli/commands/worktrees-command.js";
import { main } from "../../src/cli/main.js";
import type { OptionSpecs } from "../../src/cli/parse-args.js";
import { parsePipeline } from "../../src/config/load-pipeline.js";
import { parseScenarios } from "../../src/config/load-scenarios.js";
import { ConfigError } from "../../src/errors.js";
import { hostileArgv, hostilePipelineText, hostileScenariosText } from "../helpers/hostile-config.js";
import { runGrove } from "../helpers/run-grove.js";
import { tempDir } from "../helpers/temp-dir.js";

const LONG = Number(process.env.FUZZ_RUNS ?? 0);
const SEED = Number(process.env.FUZZ_SEED ?? 12);
const BUDGET_MS = 5_000;

/** What the campaign saw, printed at the end of a long run. */
const tally = new Map<string, number>();
const count = (key: string) => tally.set(key, (tally.get(key) ?? 0) + 1);
afterAll(() => {
  if (LONG) console.log(`fuzz seed ${SEED}:\n${[...tally].map(([k, v]) => `  ${v}\t${k}`).join("\n")}`);
});

/** Loading either succeeds or throws a ConfigError whose every diagnostic is located in `file`. */
function checkLoad(file: string, load: () => unknown): void {
  const started = performance.now();
  try {
    load();
    count(`${file}: accepted`);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    for (const d of error.diagnostics) {
      expect(d.location.file).toBe(file);
      expect(d.location.line !== undefined || (d.location.path ?? "") !== "").toBe(true);
      expect(d.message).not.toMatch(/this is a bug in Grove|call stack|\n\s+at /);
    }
    count(`${file}: ${error.diagnostics[0]!.message.replace(/"[^"]*"|\d+/g, "_").slice(0, 60)}`);
  }
  expect(performance.now() - started).toBeLessThan(BUDGET_MS);
}

describe("config loaders under hostile input", { timeout: 180_000 }, () => {
  it("a scenarios file is accepted or refused with located messages", () => {
    fc.assert(
      fc.property(hostileScenariosText, ({ text }) =>
        checkLoad("s.json", () => parseScenarios("s.json", text)),
      ),
      { seed: SEED, numRuns: LONG || 2_000 },
    );
  });

  it("a pipeline is accepted or refused with located messages", () => {
    fc.assert(
      fc.property(hostilePipelineText, ({ text }) =>
        checkLoad("p.yaml", () => parsePipeline("p.yaml", text)),
      ),
      { seed: SEED, numRuns: LONG || 1_500 },
    );
  });
});

const FLAGS = Object.fromEntries(
  Object.entries({
    run: RUN_OPTIONS,
    plan: PLAN_OPTIONS,
    worktrees: WORKTREES_OPTIONS,
    inspect: INSPECT_OPTIONS,
  }).map(([command, specs]: [string, OptionSpecs]) => [
    command,
    Object.entries(specs).flatMap(([f, spec]) => (spec.negatable ? [f, `no-${f}`] : [f])),
  ]),
);

/** A directory that is not a git repository, with a valid scenarios.json (so `plan` can succeed). */
function workspace(): string {
  const dir = tempDir("grove-fuzz-");
  mkdirSync(join(dir, "tests"));
  writeFileSync(
    join(dir, "scenarios.json"),
    JSON.stringify({ scenarios: [{ name: "a", worktree: "w", test_file: "tests/test_a.py", tags: ["t"] }] }),
  );
  return dir;
}

/** Runs `grove` in-process; every outcome must be 0, 2 or 4, with no stack trace and no "bug in Grove". */
async function checkCli(argv: string[], cwd: string, files?: { scenarios: string; pipeline: string }) {
  let stderr = "";
  const started = performance.now();
  const code = await main(
    files ? ["plan", "--scenarios", files.scenarios, "--pipeline", files.pipeline, ...argv] : argv,
    {
      cwd,
      stdout: () => {},
      stderr: (t) => {
        stderr += t;
      },
      isTTY: false,
      env: {},
    },
  );
  count(`cli exit ${code}`);
  expect({ argv, code, stderr }).toEqual({
    argv,
    code: expect.toBeOneOf([0, 2, 4]),
    stderr: expect.any(String),
  });
  expect(stderr).not.toMatch(/this is a bug in Grove|internal error|\n\s+at /);
  if (code === 2 && files) expect(stderr).toMatch(/(s\.json|p\.yaml)(:\d+:\d+| \(at \/)|--|option/);
  expect(performance.now() - started).toBeLessThan(BUDGET_MS);
}

describe("the CLI under hostile input", { timeout: 180_000 }, () => {
  it("argument lists built from the real flags, with hostile values", async () => {
    const cwd = workspace();
    await fc.assert(
      fc.asyncProperty(hostileArgv(FLAGS), (argv) => checkCli(argv, cwd)),
      { seed: SEED, numRuns: LONG ? LONG / 20 : 300 },
    );
  });

  it("grove plan on hostile scenarios files and pipelines", async () => {
    const cwd = workspace();
    const files = { scenarios: join(cwd, "s.json"), pipeline: join(cwd, "p.yaml") };
    await fc.assert(
      fc.asyncProperty(hostileScenariosText, hostilePipelineText, async (s, p) => {
        writeFileSync(files.scenarios, s.text);
        writeFileSync(files.pipeline, p.text);
        await checkCli([], cwd, files);
      }),
      { seed: SEED, numRuns: LONG ? LONG / 20 : 300 },
    );
  });

  it("the built CLI, a small sample", async () => {
    const cwd = workspace();
    const samples = fc.sample(fc.tuple(hostileScenariosText, hostilePipelineText), {
      seed: SEED,
      numRuns: 12,
    });
    for (const [s, p] of samples) {
      writeFileSync(join(cwd, "s.json"), s.text);
      writeFileSync(join(cwd, "p.yaml"), p.text);
      const r = await runGrove(["plan", "--scenarios", "s.json", "--pipeline", "p.yaml"], cwd);
      expect([0, 2, 4], `${s.how} / ${p.how}\n${r.stderr}`).toContain(r.exitCode);
      expect(r.stderr).not.toMatch(/this is a bug in Grove|internal error|\n\s+at /);
      if (r.exitCode === 2) expect(r.stderr).toMatch(/(s\.json|p\.yaml)(:\d+:\d+| \(at \/)/);
    }
  });
});
