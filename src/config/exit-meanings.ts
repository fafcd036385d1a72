/**
 * What a test command's exit codes mean, and whose table applies. The meanings belong to the command:
 * the pipeline's `test.exit_codes` (pytest's, in the default pipeline) describe the pipeline's
 * `test.run`; a scenario with its own `run` gets plain meanings (0 passed, anything else failed)
 * unless it gives its own `exit_codes`. Reasons written in a table never reuse the names of Grove's
 * own outcomes or errors, so "internal-error" can never be read as a bug in Grove.
 */
import { BUILTIN_REASONS } from "../events.js";
import type { ExitMeaning, Pipeline, Scenario, TestStatus } from "./types.js";

/** An exit-code table as written in a pipeline or scenarios file. */
export type RawExitCodes = Record<string, TestStatus | { status: TestStatus; reason?: string }> | undefined;

/** Reasons a table may not use: Grove's own outcomes, and words that name Grove's errors. */
const RESERVED_REASONS: readonly string[] = [
  ...BUILTIN_REASONS,
  "config-error",
  "usage-error",
  "environment-error",
  "bad-template",
];

/** The table as a map; without one: 0 passes, anything else fails. */
export function normalizeExitCodes(table: RawExitCodes): Map<number, ExitMeaning> {
  const map = new Map<number, ExitMeaning>([[0, { status: "passed", reason: "exit-zero" }]]);
  for (const [code, meaning] of Object.entries(table ?? {})) {
    const m = typeof meaning === "string" ? { status: meaning } : meaning;
    map.set(Number(code), {
      status: m.status,
      reason: m.reason ?? (m.status === "passed" ? "exit-zero" : `exit-${code}`),
    });
  }
  return map;
}

/** Problems with the reasons of a table at `path` (a JSON path to the table). */
export function reservedReasonProblems(
  table: RawExitCodes,
  path: (string | number)[],
): { path: (string | number)[]; message: string; hint: string }[] {
  return Object.entries(table ?? {}).flatMap(([code, meaning]) =>
    typeof meaning === "object" && meaning.reason !== undefined && RESERVED_REASONS.includes(meaning.reason)
      ? [
          {
            path: [...path, code, "reason"],
            message: `reason "${meaning.reason}" is one of Grove's own and would read as Grove's outcome`,
            hint: `name it after the test runner, e.g. "runner-${meaning.reason}"`,
          },
        ]
      : [],
  );
}

/**
 * The exit-code meanings for one scenario's test command (undefined: plain meanings). Steps (before,
 * after, setup) always get plain meanings.
 */
export function exitMeaningsFor(
  scenario: Pick<Scenario, "run" | "exitCodes">,
  pipeline: Pick<Pipeline, "test">,
): ReadonlyMap<number, ExitMeaning> | undefined {
  if (scenario.exitCodes) return scenario.exitCodes;
  return scenario.run ? undefined : pipeline.test.exitCodes;
}
