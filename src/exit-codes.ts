/**
 * The exit-code policy, in one place: what each code means, and which one a finished run calls for.
 * The CLI maps error classes to these codes (cli/exit-codes.ts); the report records the run's code.
 */
import type { ScenarioResult } from "./events.js";

/** Grove's exit codes (README "Exit codes"). */
export const EXIT = {
  ok: 0,
  /** Something failed, errored, timed out or was skipped; or a leak with --fail-on-leak. */
  failed: 1,
  /** Bad configuration or usage. */
  config: 2,
  /** A bug in Grove, and nothing else. */
  internal: 3,
  /** The filters matched nothing. */
  nothingSelected: 4,
  /** The environment failed: file descriptors, disk, a port in use, a git command. */
  environment: 5,
  /** Interrupted (Ctrl-C, SIGTERM); wins over every other verdict. */
  interrupted: 130,
} as const;

/**
 * What a finished run calls for: interrupted 130; stopped by a failure of the environment 5; otherwise
 * 0 only when all passed and no leak fails it.
 */
export function runExitCode(run: {
  results: readonly ScenarioResult[];
  interrupted: boolean;
  /** The environment failed midway and the run was stopped. */
  environmentFailed?: boolean;
  /** How many leaked resources were found. */
  leaks: number;
  /** --fail-on-leak: a leak fails an otherwise passing run. */
  failOnLeak: boolean;
}): number {
  if (run.interrupted) return EXIT.interrupted;
  if (run.environmentFailed) return EXIT.environment;
  if (run.failOnLeak && run.leaks > 0) return EXIT.failed;
  return run.results.every((r) => r.status === "passed") ? EXIT.ok : EXIT.failed;
}

/**
 * What a run merged from shards (grove merge-reports) calls for: what the whole run would have, as if
 * unsharded. Interrupted or stopped by the environment when any shard was; a shard that failed on its
 * leaks (--fail-on-leak, exit 1 with every scenario passed) fails the whole.
 */
export function mergedRunExitCode(
  results: readonly ScenarioResult[],
  shards: readonly { exitCode: number; interrupted: boolean; environmentFailed: boolean }[],
): number {
  return runExitCode({
    results,
    interrupted: shards.some((s) => s.interrupted),
    environmentFailed: shards.some((s) => s.environmentFailed),
    leaks: shards.filter((s) => s.exitCode === EXIT.failed).length,
    failOnLeak: true,
  });
}
