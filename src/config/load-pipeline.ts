/**
 * Loads a pipeline YAML: strict parse (no custom tags, capped aliases), validation against
 * `schemas/pipeline.schema.json`, template checks, defaults. Also finds which pipeline applies:
 * `--pipeline FILE`, else `grove.pipeline.yaml` in the main repo, else the built-in default.
 */
import { existsSync } from "node:fs";
import { basename, isAbsolute, join, normalize } from "node:path";
import { fileURLToPath } from "node:url";
import { ConfigError, type Diagnostic } from "../errors.js";
import type { PathSegment } from "../util/json-pointer.js";
import { nulProblems } from "./document-checks.js";
import { normalizeExitCodes, reservedReasonProblems } from "./exit-meanings.js";
import { MAX_PIPELINE_BYTES } from "./input-limits.js";
import { readConfigFile } from "./read-config-file.js";
import { type RuleProblem, templateProblems } from "./rules.js";
import { validateDocument } from "./schema-validator.js";
import { SCENARIO_VARIABLES, WORKTREE_VARIABLES } from "./templates.js";
import type { Check, Pipeline, RetryableStatus, Step, TestStatus } from "./types.js";
import { worktreeRuleProblems } from "./worktree-rules.js";
import { parseYamlDocument } from "./yaml-document.js";

const PIPELINE_FILE_NAME = "grove.pipeline.yaml";
export const BUILTIN_PIPELINE_DIR = fileURLToPath(new URL("../../pipelines/", import.meta.url));

/** The pipeline file to use, or undefined for the built-in default. */
export function resolvePipelinePath(explicit: string | undefined, mainRepo: string): string | undefined {
  if (explicit) return explicit;
  const inRepo = join(mainRepo, PIPELINE_FILE_NAME);
  return existsSync(inRepo) ? inRepo : undefined;
}

/**
 * Where the user sets a pipeline key: the pipeline file in use, or (the built-in pipeline cannot be
 * edited) a grove.pipeline.yaml of their own in the main repository.
 */
export function setInPipeline(pipeline: Pipeline, key: string): string {
  return pipeline.source.startsWith("builtin:")
    ? `set ${key} in a grove.pipeline.yaml in the main repository (the built-in pipeline is in use)`
    : `set ${key} in ${pipeline.source}`;
}

/** The pipelines shipped with Grove, by name (`node` for pipelines/node.yaml). */
export const SHIPPED_PIPELINES = ["default", "node", "python-uv"] as const;

/**
 * How to fix a --pipeline that is not there. A bare shipped name (`--pipeline node`, as the README
 * lists them) gets the shipped file's full path, which a user of an installed Grove cannot guess.
 */
function missingPipelineHint(file: string | undefined): string {
  const name = file === undefined ? "" : basename(file).replace(/\.ya?ml$/, "");
  const shipped = (n: string) => join(BUILTIN_PIPELINE_DIR, `${n}.yaml`);
  if ((SHIPPED_PIPELINES as readonly string[]).includes(name))
    return `to use the shipped ${name} pipeline, pass --pipeline ${shipped(name)} (or copy it to ${PIPELINE_FILE_NAME} in the main repository and adapt it)`;
  return `pass --pipeline FILE with an existing file (shipped: ${SHIPPED_PIPELINES.map(shipped).join(", ")}), or omit it to use the default`;
}

export function loadPipeline(file: string | undefined): Pipeline {
  const path = file ?? join(BUILTIN_PIPELINE_DIR, "default.yaml");
  const text = readConfigFile(path, "pipeline file", missingPipelineHint(file), MAX_PIPELINE_BYTES);
  const pipeline = parsePipeline(path, text);
  return file ? pipeline : { ...pipeline, source: "builtin:default" };
}

interface RawStep {
  name: string;
  run?: string[];
  shell?: string;
  link?: { path: string; key_files: string[]; mode?: "symlink" | "copy" };
  timeout?: number;
  env?: Record<string, string>;
  cwd?: string;
}
interface RawPipeline {
  version: 1;
  name?: string;
  worktree?: {
    branch?: string;
    start_point?: string;
    setup?: RawStep[];
    verify?: ({ glob: string } | { exists: string } | { run: string[] })[];
    disposable?: string[];
  };
  pull?: { from?: string; remote?: string; strategy?: "merge" | "ff-only" | "rebase"; autostash?: boolean };
  test?: {
    run?: string[];
    timeout?: number;
    retries?: number;
    retry_on?: RetryableStatus[];
    kill_grace?: number;
    exit_codes?: Record<string, TestStatus | { status: TestStatus; reason?: string }>;
    env?: Record<string, string>;
    max_per_worktree?: number;
    junit?: string;
    before?: RawStep[];
    after?: RawStep[];
  };
  cleanup?: { remove_worktrees?: boolean; delete_branches?: boolean; prune?: boolean };
}

const DEFAULT_DISPOSABLE = [
  "node_modules/",
  ".venv/",
  "venv/",
  "build/",
  "dist/",
  "__pycache__/",
  ".pytest_cache/",
  ".mypy_cache/",
  ".ruff_cache/",
  ".cache/",
  ".grove/",
];

export function parsePipeline(file: string, text: string): Pipeline {
  const { doc, problems } = parseYamlDocument(file, text);
  if (!doc) throw new ConfigError(problems);
  if (doc.value === null || typeof doc.value !== "object") {
    throw new ConfigError([
      {
        location: { file, line: 1, column: 1 },
        message: "the pipeline is empty or not a mapping",
        hint: "start with `version: 1`",
      },
    ]);
  }
  const nul = nulProblems(doc, text);
  if (nul.length > 0) throw new ConfigError(nul);
  const schemaProblems = validateDocument("pipeline", doc);
  if (schemaProblems.length > 0) throw new ConfigError(schemaProblems);
  const raw = doc.value as RawPipeline;
  const rules = pipelineRuleProblems(raw);
  if (rules.length > 0) {
    throw new ConfigError(
      rules.map(
        (p): Diagnostic => ({
          location: doc.locate(p.path),
          message: p.message,
          ...(p.hint ? { hint: p.hint } : {}),
        }),
      ),
    );
  }
  return normalizePipeline(file, raw);
}

function pipelineRuleProblems(raw: RawPipeline): RuleProblem[] {
  const problems: RuleProblem[] = [];
  const argv = (args: string[] | undefined, path: PathSegment[], vars: readonly string[]) =>
    args?.forEach((a, i) => {
      problems.push(...templateProblems(a, [...path, i], vars));
    });
  const steps = (list: RawStep[] | undefined, path: PathSegment[], vars: readonly string[]) => {
    const names = new Set<string>();
    list?.forEach((s, i) => {
      if (names.has(s.name))
        problems.push({
          path: [...path, i, "name"],
          message: `duplicate step name "${s.name}"`,
          hint: "step names must be unique within a list",
        });
      names.add(s.name);
      argv(s.run, [...path, i, "run"], vars);
      if (s.cwd !== undefined && (isAbsolute(s.cwd) || normalize(s.cwd).startsWith(".."))) {
        problems.push({
          path: [...path, i, "cwd"],
          message: `cwd "${s.cwd}" leaves the worktree`,
          hint: "use a path relative to the worktree, without ..",
        });
      }
    });
  };
  if (raw.worktree?.branch !== undefined) {
    problems.push(
      ...templateProblems(
        raw.worktree.branch,
        ["worktree", "branch"],
        WORKTREE_VARIABLES.filter((v) => v !== "branch" && v !== "worktree_path"),
      ),
    );
  }
  steps(raw.worktree?.setup, ["worktree", "setup"], WORKTREE_VARIABLES);
  problems.push(...worktreeRuleProblems(raw.worktree));
  raw.worktree?.verify?.forEach((c, i) => {
    if ("run" in c) argv(c.run, ["worktree", "verify", i, "run"], WORKTREE_VARIABLES);
  });
  argv(raw.test?.run, ["test", "run"], SCENARIO_VARIABLES);
  if (raw.test?.junit !== undefined)
    problems.push(...templateProblems(raw.test.junit, ["test", "junit"], SCENARIO_VARIABLES));
  problems.push(...reservedReasonProblems(raw.test?.exit_codes, ["test", "exit_codes"]));
  steps(raw.test?.before, ["test", "before"], SCENARIO_VARIABLES);
  steps(raw.test?.after, ["test", "after"], SCENARIO_VARIABLES);
  for (const phase of ["before", "after"] as const) {
    raw.test?.[phase]?.forEach((s, i) => {
      if (s.link)
        problems.push({
          path: ["test", phase, i, "link"],
          message: "link steps share installs between worktrees and belong in worktree.setup",
          hint: "move this step to worktree.setup",
        });
    });
  }
  return problems;
}

function normalizeStep(s: RawStep): Step {
  const command: Step["command"] = s.run
    ? { kind: "argv", argv: s.run }
    : s.shell !== undefined
      ? { kind: "shell", script: s.shell }
      : { kind: "link", path: s.link!.path, keyFiles: s.link!.key_files, mode: s.link!.mode ?? "symlink" };
  return {
    name: s.name,
    command,
    env: s.env ?? {},
    ...(s.timeout !== undefined ? { timeout: s.timeout } : {}),
    ...(s.cwd !== undefined ? { cwd: s.cwd } : {}),
  };
}

function normalizeCheck(c: { glob: string } | { exists: string } | { run: string[] }): Check {
  if ("glob" in c) return { kind: "glob", pattern: c.glob };
  if ("exists" in c) return { kind: "exists", path: c.exists };
  return { kind: "run", argv: c.run };
}

function normalizePipeline(source: string, raw: RawPipeline): Pipeline {
  const t = raw.test ?? {};
  return {
    source,
    name: raw.name ?? "pipeline",
    worktree: {
      branch: raw.worktree?.branch ?? "feature/test-{worktree}",
      startPoint: raw.worktree?.start_point ?? "HEAD",
      setup: (raw.worktree?.setup ?? []).map(normalizeStep),
      verify: (raw.worktree?.verify ?? []).map(normalizeCheck),
      disposable: raw.worktree?.disposable ?? DEFAULT_DISPOSABLE,
    },
    pull: {
      ...(raw.pull?.from !== undefined ? { from: raw.pull.from } : {}),
      ...(raw.pull?.remote !== undefined ? { remote: raw.pull.remote } : {}),
      strategy: raw.pull?.strategy ?? "merge",
      autostash: raw.pull?.autostash ?? false,
    },
    test: {
      run: t.run ?? ["pytest", "{test_file}", "-v"],
      timeout: t.timeout ?? 300,
      retries: t.retries ?? 0,
      retryOn: t.retry_on ?? ["failed"],
      killGrace: t.kill_grace ?? 5,
      exitCodes: normalizeExitCodes(t.exit_codes),
      env: t.env ?? {},
      maxPerWorktree: t.max_per_worktree ?? 1,
      ...(t.junit !== undefined ? { junit: t.junit } : {}),
      before: (t.before ?? []).map(normalizeStep),
      after: (t.after ?? []).map(normalizeStep),
    },
    cleanup: {
      removeWorktrees: raw.cleanup?.remove_worktrees ?? true,
      deleteBranches: raw.cleanup?.delete_branches ?? true,
      prune: raw.cleanup?.prune ?? true,
    },
  };
}
