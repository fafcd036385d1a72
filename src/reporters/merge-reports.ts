/**
 * Merges the JSON reports of the shards of one run (`grove run --shard i/n` on n machines) into the
 * report of the whole run: checks they come from one plan (same plan hash and shard count, every shard
 * present once) and that every scenario appears exactly once, then recounts everything through
 * buildReport so the merged summary is what one unsharded run would have said. Each scenario keeps the
 * run dir its log paths are relative to. Pure; the command reads and writes the files.
 */
import { UsageError } from "../errors.js";
import type { ScenarioResult } from "../events.js";
import { mergedRunExitCode } from "../exit-codes.js";
import { buildReport, type Report } from "./build-report.js";

/** A report and where it came from (for messages). */
export interface ShardReport {
  file: string;
  report: Report;
}

/** The shards do not make up one run (a usage problem, exit 2); the message says which file and what to do. */
export class MergeProblem extends UsageError {
  constructor(message: string) {
    super(message);
    this.name = "MergeProblem";
  }
}

export function mergeReports(
  inputs: readonly ShardReport[],
  meta: { version: string; runDir: string },
): Report {
  if (inputs.length === 0) throw new MergeProblem("no reports given");
  const first = inputs[0]!;
  const hash = first.report.grove.plan_hash;
  const count = first.report.grove.shard?.count ?? 1;
  const planned = first.report.grove.shard?.plan_scenarios;
  const seenShard = new Map<number, string>();
  for (const { file, report } of inputs) {
    const g = report.grove;
    if (!g.plan_hash)
      throw new MergeProblem(
        `${file} has no grove.plan_hash: it was written by an older Grove; rerun the shard`,
      );
    if (g.plan_hash !== hash || (g.shard?.count ?? 1) !== count)
      throw new MergeProblem(
        `${file} comes from another plan (plan ${g.plan_hash}, ${g.shard?.count ?? 1} shard(s)) than ${first.file} (plan ${hash}, ${count}): every shard must run the same commit (scenarios and pipeline), selection, --shard n and .grove/timings.json`,
      );
    const index = g.shard?.index ?? 1;
    const other = seenShard.get(index);
    if (other) throw new MergeProblem(`${file} and ${other} are both shard ${index}/${count}`);
    seenShard.set(index, file);
  }
  const missing = Array.from({ length: count }, (_, k) => k + 1).filter((k) => !seenShard.has(k));
  if (missing.length > 0)
    throw new MergeProblem(
      `shard ${missing.map((k) => `${k}/${count}`).join(", ")} missing: pass every shard's report`,
    );

  const where = new Map<string, string>();
  const results: ScenarioResult[] = [];
  const runDirOf = new Map<string, string>();
  const testFiles = new Map<string, string>();
  const definitions = new Map<string, string>();
  const dependencies = new Map<string, string[]>();
  for (const { file, report } of inputs)
    for (const s of report.scenarios) {
      const twice = where.get(s.name);
      if (twice)
        throw new MergeProblem(
          `scenario "${s.name}" is in ${twice} and in ${file}: it must run on one shard only`,
        );
      where.set(s.name, file);
      runDirOf.set(s.name, s.run_dir ?? report.grove.run_dir);
      if (s.test_file !== undefined) testFiles.set(s.name, s.test_file);
      if (s.definition !== undefined) definitions.set(s.name, s.definition);
      if (s.dependencies !== undefined) dependencies.set(s.name, s.dependencies);
      results.push({
        name: s.name,
        description: s.description,
        worktree: s.worktree,
        tags: s.tags,
        status: s.status,
        reason: s.reason,
        detail: s.detail,
        flaky: s.flaky,
        attempts: s.attempt_results,
        ...(s.skip ? { skip: s.skip } : {}),
        ...(s.resumed_from ? { resumedFrom: s.resumed_from } : {}),
      });
    }
  if (planned !== undefined && results.length !== planned)
    throw new MergeProblem(`the shards hold ${results.length} scenario(s), the plan has ${planned}`);

  const reports = inputs.map((i) => i.report);
  const interrupted = reports.some((r) => r.summary.interrupted);
  // The first shard the environment stopped: the merged report says so, and exits as that shard did.
  const environmentError = reports.find((r) => r.grove.environment_error)?.grove.environment_error;
  const exitCode = mergedRunExitCode(
    results,
    reports.map((r) => ({
      exitCode: r.grove.exit_code,
      interrupted: r.summary.interrupted,
      environmentFailed: r.grove.environment_error !== undefined,
    })),
  );
  const merged = buildReport(
    results,
    reports.flatMap((r) => r.resource_leaks),
    reports.flatMap((r) => r.worktrees),
    {
      version: meta.version,
      runId: `merged-${hash}`,
      runDir: meta.runDir,
      startedAt: reports.map((r) => r.grove.started_at).sort()[0]!,
      endedAt: reports
        .map((r) => r.grove.ended_at)
        .sort()
        .at(-1)!,
      // The shards ran side by side: the run took as long as its slowest shard.
      wallSeconds: Math.max(...reports.map((r) => r.summary.duration)),
      workers: reports.reduce((t, r) => t + r.grove.workers, 0),
      pipeline: first.report.grove.pipeline,
      scenariosFile: first.report.grove.scenarios_file,
      interrupted,
      exitCode,
      ...(environmentError ? { environmentError } : {}),
      maxConcurrency: reports.reduce((t, r) => t + r.grove.max_concurrency, 0),
      ...(hash ? { planHash: hash } : {}),
      testFiles,
      definitions,
      dependencies,
    },
  );
  for (const s of merged.scenarios) s.run_dir = runDirOf.get(s.name)!;
  merged.grove.merged_from = inputs.map(({ report }) => ({
    run_id: report.grove.run_id,
    run_dir: report.grove.run_dir,
    ...(report.grove.shard ? { shard: report.grove.shard } : {}),
  }));
  return merged;
}
