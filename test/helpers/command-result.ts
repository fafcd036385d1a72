/** A CommandResult for machine tests: only phase and status matter there. */
import type { AttemptStatus, CommandResult } from "../../src/events.js";

export function commandResult(
  phase: CommandResult["phase"],
  status: AttemptStatus,
  reason: string = status,
  command: string[] = [],
): CommandResult {
  return {
    phase,
    name: phase,
    status,
    reason,
    command,
    exitCode: status === "passed" ? 0 : 1,
    signal: null,
    startedAt: "",
    endedAt: "",
    durationSeconds: 0,
    logPath: "",
    outputTail: "",
  };
}
