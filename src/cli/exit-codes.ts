/** The one place where outcomes and error classes become process exit codes. */
import { ConfigError, GroveError, NothingSelectedError, UsageError, WorktreeError } from "../errors.js";

export const EXIT = {
  ok: 0,
  failed: 1,
  config: 2,
  internal: 3,
  nothingSelected: 4,
  interrupted: 130,
} as const;

export function exitCodeForError(error: unknown): number {
  if (error instanceof ConfigError || error instanceof UsageError || error instanceof WorktreeError)
    return EXIT.config;
  if (error instanceof NothingSelectedError) return EXIT.nothingSelected;
  if (error instanceof GroveError) return EXIT.internal;
  return EXIT.internal;
}
