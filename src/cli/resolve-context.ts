/**
 * Resolves where things are: main repo, base path, scenarios file, pipeline; loads and plans.
 * Defaults follow the original coordinator (ORIGINAL.md): base path = `<repo>-worktrees` beside it.
 */
import { existsSync, statSync } from "node:fs";
import { basename, dirname, join, resolve } from "node:path";
import { loadPipeline, resolvePipelinePath } from "../config/load-pipeline.js";
import { type LoadedScenarios, loadScenariosFile } from "../config/load-scenarios.js";
import type { Pipeline } from "../config/types.js";
import { branchCollisions } from "../config/worktree-rules.js";
import { ConfigError, NothingSelectedError, UsageError } from "../errors.js";
import { describePlanProblems } from "../plan/describe-problems.js";
import { type Plan, type PlanOptions, pipelinePlanDefaults, planScenarios } from "../plan/plan.js";
import { planHash } from "../plan/plan-hash.js";
import { parseShard, type ShardAssignment } from "../plan/shard.js";
import { readTimings } from "../reporters/timings-store.js";
import { mainWorktreeOf } from "../steps/git-dirs.js";
import { gitTopLevel } from "../steps/git-query.js";
import { toPointer } from "../util/json-pointer.js";
import type { PLAN_SHAPING_OPTIONS, SELECTION_OPTIONS } from "./options.js";
import type { OptionValues } from "./parse-args.js";
import { selectNames } from "./scenario-selection.js";
import { takeShard } from "./take-shard.js";

export interface RunContext {
  cwd: string;
  mainRepo: string;
  /** False when the main repo is not a git repository (plan still works). */
  mainRepoIsGit: boolean;
  basePath: string;
  scenariosFile: string;
  loaded: LoadedScenarios;
  pipeline: Pipeline;
  /** The options the plan was made with (a resumed run plans what is left with the same ones). */
  planOptions: PlanOptions;
  /** Replaced by `--resume` with the plan of what is left; with `--shard`, this shard's part. */
  plan: Plan;
  /** The whole plan's identity (before sharding): every shard of one run reports the same. */
  planHash: string;
  /** `--shard i/n`: the partition and which part this is. */
  shard?: { index: number; count: number; assignment: ShardAssignment };
}

/** The most shards a run may be split into. */
const MAX_SHARDS = 10_000;

/** The flags that choose the scenarios (and `--report`, which --last-failed reads). */
type Values = OptionValues<typeof SELECTION_OPTIONS & Pick<typeof PLAN_SHAPING_OPTIONS, "report">>;

/**
 * `positionals` are scenario names or globs (`grove run NAME|GLOB...`); `reportPath` is where
 * `--last-failed` reads the last report.
 */
export async function resolveContext(
  values: Values,
  cwd: string,
  positionals: readonly string[] = [],
  reportPath = resolve(cwd, values.report ?? "integration_report.json"),
): Promise<RunContext> {
  const explicitMain = values["main-repo"];
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
    // As Playwright and Vitest find their config upward: the repository's top level, and from a
    // linked worktree (one of Grove's, say) the main repository it belongs to.
    const top = await gitTopLevel(cwd);
    mainRepoIsGit = top !== undefined;
    mainRepo = top ? mainWorktreeOf(top) : cwd;
  }
  const basePath = values["base-path"]
    ? resolve(cwd, values["base-path"])
    : join(dirname(mainRepo), `${basename(mainRepo)}-worktrees`);
  // scenarios.json: the one given, else the current directory's, else the main repository's.
  const scenariosFile = values.scenarios
    ? resolve(cwd, values.scenarios)
    : existsSync(join(cwd, "scenarios.json"))
      ? join(cwd, "scenarios.json")
      : join(mainRepo, "scenarios.json");
  const loaded = loadScenariosFile(scenariosFile);
  const pipelinePath = resolvePipelinePath(
    values.pipeline ? resolve(cwd, values.pipeline) : undefined,
    mainRepo,
  );
  const pipeline = loadPipeline(pipelinePath);
  const collisions = branchCollisions(pipeline.worktree.branch, loaded.scenarios, pipeline.source);
  if (collisions.length)
    throw new ConfigError(
      collisions.map((p) => ({ location: loaded.locate(p.path), message: p.message, hint: p.hint })),
    );

  const tags = values["filter-tag"] ?? [];
  const worktrees = values["filter-worktree"] ?? [];
  const withDependencies = values.deps !== false;
  if (values["assume-deps-passed"] && withDependencies) {
    throw new UsageError("--assume-deps-passed only makes sense with --no-deps");
  }
  const shardText = values.shard;
  const parsedShard = shardText === undefined ? undefined : parseShard(shardText);
  // n is bounded: a shard count past the scenarios is pointless, and 1e23 is not an array length.
  const shardSpec = parsedShard && parsedShard.count <= MAX_SHARDS ? parsedShard : undefined;
  if (shardText !== undefined && !shardSpec)
    throw new UsageError(
      `--shard expects i/n with 1 <= i <= n <= ${MAX_SHARDS} (e.g. --shard 2/4), got "${shardText}"`,
    );
  const names = selectNames(loaded.scenarios, {
    patterns: positionals,
    ...(values.grep !== undefined ? { grep: values.grep } : {}),
    ...(values["last-failed"] ? { lastFailedReport: reportPath } : {}),
  });
  if (names?.length === 0)
    throw new NothingSelectedError(
      `nothing did not pass in ${reportPath}: --last-failed has nothing to rerun`,
    );
  const planOptions: PlanOptions = {
    filters: { tags, worktrees, ...(names ? { names } : {}) },
    withDependencies,
    assumeDependenciesPassed: values["assume-deps-passed"] === true,
    ...pipelinePlanDefaults(pipeline.test),
    timings: readTimings(mainRepo),
  };
  const result = planScenarios(loaded.scenarios, planOptions);
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
      `no scenario matches ${what}\n  tags in ${basename(scenariosFile)}: ${known.tags.join(", ") || "(none)"}\n  worktrees: ${known.worktrees.join(", ")}`,
    );
  }
  const splitWorktrees = values["shard-split-worktrees"] === true;
  const hash = planHash(
    result.plan,
    shardSpec ? { count: shardSpec.count, splitWorktrees } : undefined,
    pipeline.test.run,
  );
  const sharded = shardSpec
    ? takeShard(loaded.scenarios, result.plan, planOptions, { ...shardSpec, splitWorktrees })
    : undefined;
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
    plan: sharded?.plan ?? result.plan,
    planOptions,
    planHash: hash,
    ...(sharded && shardSpec ? { shard: { ...shardSpec, assignment: sharded.assignment } } : {}),
  };
}
