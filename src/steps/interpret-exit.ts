/** What a finished command amounts to: the pipeline's exit-code table, timeouts, signals, spawn errors. */
import type { ExitMeaning } from "../config/types.js";
import type { AttemptStatus, Reason } from "../events.js";
import type { ExecOutcome } from "./exec-command.js";

export function interpretExit(
  outcome: ExecOutcome,
  exitCodes?: ReadonlyMap<number, ExitMeaning>,
): { status: AttemptStatus; reason: Reason } {
  if (outcome.cancelled) return { status: "cancelled", reason: "cancelled" };
  if (outcome.timedOut) return { status: "timed-out", reason: "timeout" };
  if (outcome.spawnError) return { status: "errored", reason: "spawn-failed" };
  if (outcome.exitCode === null)
    return { status: "failed", reason: outcome.signal ? "killed-by-signal" : "exit-non-zero" };
  const meaning = exitCodes?.get(outcome.exitCode);
  if (meaning) return { status: meaning.status, reason: meaning.reason };
  return outcome.exitCode === 0
    ? { status: "passed", reason: "exit-zero" }
    : { status: "failed", reason: "exit-non-zero" };
}
