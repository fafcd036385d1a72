/** Reads a finished scenario machine's snapshot as a ScenarioResult (one per scenario, however many attempts). */

import { InternalError, unreachable } from "../errors.js";
import type { FinalStatus, ScenarioResult } from "../events.js";
import type { ScenarioContext } from "./scenario-machine.js";

const FINAL_STATE_STATUS: Record<string, FinalStatus> = {
  passed: "passed",
  failed: "failed",
  timedOut: "timed-out",
  errored: "errored",
  skipped: "skipped",
  cancelled: "cancelled",
};

export function finalStatusOf(stateValue: unknown): FinalStatus | undefined {
  return typeof stateValue === "string" ? FINAL_STATE_STATUS[stateValue] : undefined;
}

export interface ScenarioDescription {
  description: string;
  tags: string[];
}

export function toScenarioResult(
  stateValue: unknown,
  context: ScenarioContext,
  about: ScenarioDescription,
): ScenarioResult {
  const status = finalStatusOf(stateValue);
  if (!status)
    throw new InternalError(`scenario ${context.name} is not finished (state ${JSON.stringify(stateValue)})`);
  const last = context.attempts[context.attempts.length - 1];
  const reason =
    status === "skipped"
      ? (context.skip?.reason ?? "dependency-failed")
      : status === "cancelled"
        ? "cancelled"
        : (last?.reason ?? status);
  const flaky = status === "passed" && context.attempts.length > 1;
  return {
    name: context.name,
    description: about.description,
    worktree: context.worktree,
    tags: about.tags,
    status,
    reason,
    detail: describe(status, reason, context, flaky),
    flaky,
    attempts: context.attempts,
    ...(context.skip ? { skip: context.skip } : {}),
  };
}

/** What the attempts before a flaky pass did: "attempt 1 failed", "attempts 1-2 timed out", "attempts 1-3 did not pass". */
function earlierAttempts(earlier: ScenarioContext["attempts"]): string {
  const statuses = new Set(earlier.map((a) => a.status));
  const what = statuses.size === 1 ? [...statuses][0]!.replace("-", " ") : "did not pass";
  return earlier.length === 1 ? `attempt 1 ${what}` : `attempts 1-${earlier.length} ${what}`;
}

function describe(status: FinalStatus, reason: string, context: ScenarioContext, flaky: boolean): string {
  const n = context.attempts.length;
  const attempts = n > 1 ? ` after ${n} attempts` : "";
  const test = context.attempts[n - 1]?.test;
  switch (status) {
    case "passed":
      return flaky
        ? `passed on attempt ${n} (flaky: ${earlierAttempts(context.attempts.slice(0, -1))})`
        : "passed";
    case "skipped":
      return context.skip?.detail ?? "skipped";
    case "cancelled":
      return `cancelled by ${context.cancelledBy ?? "an interrupt"}`;
    case "timed-out":
      return `timed out after ${context.timeoutMs / 1000}s${attempts}; its process group was ended`;
    case "failed":
      return `${test?.exitCode !== null && test?.exitCode !== undefined ? `exit code ${test.exitCode}` : reason}${attempts}`;
    case "errored":
      return `${reason}${test?.exitCode !== null && test?.exitCode !== undefined ? ` (exit code ${test.exitCode})` : ""}${attempts}`;
    default:
      return unreachable(status);
  }
}
