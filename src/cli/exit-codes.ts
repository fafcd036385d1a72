/** Where error classes become process exit codes (the codes and a run's verdict: src/exit-codes.ts). */
import {
  ConfigError,
  environmentErrorFrom,
  GroveError,
  NothingSelectedError,
  UsageError,
  WorktreeError,
} from "../errors.js";
import { EXIT } from "../exit-codes.js";

export { EXIT };

/** The exit code for an error that ended a command; 3 only for a bug in Grove. */
export function exitCodeForError(error: unknown): number {
  if (error instanceof ConfigError || error instanceof UsageError || error instanceof WorktreeError)
    return EXIT.config;
  if (error instanceof NothingSelectedError) return EXIT.nothingSelected;
  if (environmentErrorFrom(error)) return EXIT.environment;
  if (error instanceof GroveError) return EXIT.internal;
  return EXIT.internal;
}
