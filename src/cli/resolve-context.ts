/**
 * Resolves where things are: main repo, base path, scenarios file, pipeline; loads and plans.
 * Defaults follow the original coordinator (ORIGINAL.md): base path = `<repo>-worktrees` beside it.
 */
import { existsSync, statSync } from "node:fs";
import { basename, dirname, join, resolve } from "node:path";
import { loadPipeline, resolvePipelinePath } from "../config/load-pipeline.js";
import { type LoadedScenarios, loadScenariosFile } from "../config/load-scenarios.js";
import type { Pipeline } from "../config/types.js";
import { ConfigError, NothingSelectedError, UsageError } from "../errors.js";
import { describePlanProblems } from "../plan/describe-problems.js";
import { type Plan, planScenarios } from "../plan/plan.js";
import { readTimings } from "../reporters/timings-store.js";
import { gitTopLevel } from "../steps/git-query.js";
import { toPointer } from "../util/json-pointer.js";
import type { ParsedValue } from "./parse-args.js";

export interface RunContext {
  cwd: string;
  mainRepo: string;
  /** False when the main repo is not a git repository (plan still works). */
  mainRepoIsGit: boolean;
  basePath: string;
  scenariosFile: string;
  loaded: LoadedScenarios;
  pipeline: Pipeline;
  /** Replaced by `--resume` with the plan of what is left. */
  plan: Plan;
}

type Values = Record<string, ParsedValue | undefined>;

export async function resolveContext(values: Values, cwd: string): Promise<RunContext> {
  const explicitMain = values["main-repo"] as string | undefined;
  let mainRepo: string;
  let mainRepoIsGit: boolean;
  if (explicitMain) {
    mainRepo = resolve(cwd, explicitMain);
    if (!existsSync(mainRepo) || !statSync(mainRepo).isDirectory()) {
      throw new UsageError(`--main-repo ${explicitMain}: no such directory (${mainRepo})`);
    }
    const top = await gitTopLevel(mainRepo);
    mainRepoIsGit = top !== undefined;
    if (top) mainRepo = top;
  } else {
    const top = await gitTopLevel(cwd);
    mainRepoIsGit = top !== undefined;
    mainRepo = top ?? cwd;
  }
  const basePath = values["base-path"]
    ? resolve(cwd, values["base-path"] as string)
    : join(dirname(mainRepo), `${basename(mainRepo)}-worktrees`);
  const scenariosFile = resolve(cwd, (values.scenarios as string | undefined) ?? "scenarios.json");
  const loaded = loadScenariosFile(scenariosFile);
  const pipelinePath = resolvePipelinePath(
    values.pipeline ? resolve(cwd, values.pipeline as string) : undefined,
    mainRepo,
  );
  const pipeline = loadPipeline(pipelinePath);

  const tags = (values["filter-tag"] as string[] | undefined) ?? [];
  const worktrees = (values["filter-worktree"] as string[] | undefined) ?? [];
  const withDependencies = values.deps !== false;
  if (values["assume-deps-passed"] && withDependencies) {
    throw new UsageError("--assume-deps-passed only makes sense with --no-deps");
  }
  const result = planScenarios(loaded.scenarios, {
    filters: { tags, worktrees },
    withDependencies,
    assumeDependenciesPassed: values["assume-deps-passed"] === true,
    defaultTimeout: pipeline.test.timeout,
    defaultRetries: pipeline.test.retries,
    timings: readTimings(mainRepo),
  });
  if (!result.ok)
    throw new ConfigError(describePlanProblems(result.problems, loaded.scenarios, loaded.locate));
  if (result.plan.scenarios.length === 0) {
    const what = [
      tags.length ? `tag ${tags.join(" or ")}` : "",
      worktrees.length ? `worktree ${worktrees.join(" or ")}` : "",
    ]
      .filter(Boolean)
      .join(" and ");
    const known = {
      tags: [...new Set(loaded.scenarios.flatMap((s) => s.tags))].sort(),
      worktrees: [...new Set(loaded.scenarios.map((s) => s.worktree))].sort(),
    };
    throw new NothingSelectedError(
      loaded.scenarios.length === 0
        ? `${scenariosFile} has no scenarios`
        : `no scenario matches ${what}\n  tags in ${basename(scenariosFile)}: ${known.tags.join(", ") || "(none)"}\n  worktrees: ${known.worktrees.join(", ")}`,
    );
  }
  // The plan is valid: let the parse tree behind `locate` go (it is large for big files).
  const light: LoadedScenarios = {
    ...loaded,
    locate: (path) => ({ file: loaded.file, path: toPointer(path) }),
  };
  return {
    cwd,
    mainRepo,
    mainRepoIsGit,
    basePath,
    scenariosFile,
    loaded: light,
    pipeline,
    plan: result.plan,
  };
}
