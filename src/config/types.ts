/**
 * Normalized configuration: what the loaders produce and the planner, machines and steps consume.
 * Defaults are already applied; nothing here refers to the files it came from except `index`.
 */

/** A scenario as Grove runs it (the original's fields, normalized, plus Grove's `run` and `env`). */
export interface Scenario {
  name: string;
  description: string;
  worktree: string;
  /** The original's test_file (e.g. a pytest node id); absent only when `run` is given. */
  testFile?: string;
  dependencies: string[];
  /** Seconds per attempt; undefined means the pipeline's test.timeout. */
  timeout?: number;
  /** Extra attempts after a failure; undefined means the pipeline's test.retries. */
  retryCount?: number;
  tags: string[];
  /** argv template replacing the pipeline's test command. */
  run?: string[];
  env: Record<string, string>;
  /** The scenario's own exit-code meanings (see exit-meanings.ts); absent: its command's defaults. */
  exitCodes?: Map<number, ExitMeaning>;
  /** Position in the scenarios file, for error messages (`/scenarios/<index>`). */
  index: number;
}

export type TestStatus = "passed" | "failed" | "errored";

/** What an exit code of the test command means. */
export interface ExitMeaning {
  status: TestStatus;
  reason: string;
}

/** One command in a pipeline: argv, an explicit shell script, or a shared-install link. */
export interface Step {
  name: string;
  command:
    | { kind: "argv"; argv: string[] }
    | { kind: "shell"; script: string }
    | { kind: "link"; path: string; keyFiles: string[]; mode: "symlink" | "copy" };
  /** Seconds; undefined means no limit beyond the run's. */
  timeout?: number;
  env: Record<string, string>;
  /** Relative to the worktree. */
  cwd?: string;
}

export type Check =
  | { kind: "glob"; pattern: string }
  | { kind: "exists"; path: string }
  | { kind: "run"; argv: string[] };

export type PullStrategy = "merge" | "ff-only" | "rebase";
export type RetryableStatus = "failed" | "timed-out" | "errored";

export interface Pipeline {
  /** Where it came from: a path, or `builtin:default`. */
  source: string;
  name: string;
  worktree: {
    branch: string;
    startPoint: string;
    setup: Step[];
    verify: Check[];
    disposable: string[];
  };
  pull: { from?: string; remote?: string; strategy: PullStrategy; autostash: boolean };
  test: {
    run: string[];
    timeout: number;
    retries: number;
    retryOn: RetryableStatus[];
    killGrace: number;
    exitCodes: Map<number, ExitMeaning>;
    env: Record<string, string>;
    maxPerWorktree: number;
    /**
     * Where the test command writes its own JUnit XML (a template, relative to the worktree), to read
     * the individual tests from; usually "{junit_path}", a file in the attempt's part of the run dir.
     */
    junit?: string;
    before: Step[];
    after: Step[];
  };
  cleanup: { removeWorktrees: boolean; deleteBranches: boolean; prune: boolean };
}
