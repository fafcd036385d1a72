/**
 * Error classes with a stable `code` and a user-facing message.
 *
 * Expected outcomes of a run (a failed test, a timeout) are data, not errors: see `events.ts`.
 * These classes are for problems the user must fix (configuration, usage) and for bugs in Grove.
 * The CLI maps each class to an exit code in one place (`cli/exit-codes.ts`).
 */

/** Where in a user's file a problem is: file, optional line:column and JSON path. */
export interface SourceLocation {
  file: string;
  line?: number;
  column?: number;
  /** JSON pointer-like path, e.g. `/scenarios/3/dependencies/0`. */
  path?: string;
}

/** One problem found in a user's configuration. */
export interface Diagnostic {
  location: SourceLocation;
  message: string;
  /** How to fix it, when Grove can say. */
  hint?: string;
}

export function formatLocation(loc: SourceLocation): string {
  let out = loc.file;
  if (loc.line !== undefined) out += `:${loc.line}:${loc.column ?? 1}`;
  if (loc.path !== undefined && loc.path !== "") out += ` (at ${loc.path})`;
  return out;
}

export function formatDiagnostic(d: Diagnostic): string {
  const hint = d.hint ? `\n    fix: ${d.hint}` : "";
  return `${formatLocation(d.location)}: ${d.message}${hint}`;
}

/** Base class: every Grove error has a code the CLI and API users can switch on. */
export abstract class GroveError extends Error {
  abstract readonly code: string;
}

/** How many problems a ConfigError's message lists; the rest are counted (`diagnostics` has all). */
export const MAX_LISTED_PROBLEMS = 50;

/** The user's configuration (scenarios, pipeline, flags) is invalid. Exit code 2. */
export class ConfigError extends GroveError {
  readonly code = "E_CONFIG";
  readonly diagnostics: Diagnostic[];
  constructor(diagnostics: Diagnostic[], options?: { cause?: unknown }) {
    const lines = diagnostics.slice(0, MAX_LISTED_PROBLEMS).map(formatDiagnostic);
    if (diagnostics.length > MAX_LISTED_PROBLEMS)
      lines.push(`... and ${diagnostics.length - MAX_LISTED_PROBLEMS} more problem(s) like these`);
    super(
      diagnostics.length === 1 ? lines[0]! : `${diagnostics.length} problems:\n${lines.join("\n")}`,
      options,
    );
    this.name = "ConfigError";
    this.diagnostics = diagnostics;
  }
}

/** A command-line usage problem (unknown flag, bad value). Exit code 2. */
export class UsageError extends GroveError {
  readonly code = "E_USAGE";
  constructor(message: string) {
    super(message);
    this.name = "UsageError";
  }
}

/** Filters selected no scenario. Exit code 4. */
export class NothingSelectedError extends GroveError {
  readonly code = "E_NOTHING_SELECTED";
  constructor(message: string) {
    super(message);
    this.name = "NothingSelectedError";
  }
}

/** A git or filesystem operation on a worktree cannot be done safely; says what and how to fix. */
export class WorktreeError extends GroveError {
  readonly code: string;
  constructor(code: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "WorktreeError";
    this.code = code;
  }
}

/** A bug in Grove. Exit code 3. */
export class InternalError extends GroveError {
  readonly code = "E_INTERNAL";
  constructor(message: string, options?: { cause?: unknown }) {
    super(`${message} (this is a bug in Grove; please report it)`, options);
    this.name = "InternalError";
  }
}

/** Keeps switches exhaustive: the compiler rejects a call unless every case was handled. */
export function unreachable(value: never): never {
  throw new InternalError(`unexpected value ${JSON.stringify(value)}`);
}
