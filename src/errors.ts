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

/**
 * Diagnostics as a reader meets them: per file (in the order the files first appear), by line and
 * column; unlocated ones (a whole-file problem) first; ties keep their order.
 */
function inSourceOrder(diagnostics: readonly Diagnostic[]): Diagnostic[] {
  const files = new Map<string, number>();
  for (const d of diagnostics) if (!files.has(d.location.file)) files.set(d.location.file, files.size);
  return [...diagnostics].sort(
    (a, b) =>
      files.get(a.location.file)! - files.get(b.location.file)! ||
      (a.location.line ?? 0) - (b.location.line ?? 0) ||
      (a.location.column ?? 0) - (b.location.column ?? 0),
  );
}

/** The user's configuration (scenarios, pipeline, flags) is invalid. Exit code 2. */
export class ConfigError extends GroveError {
  readonly code = "E_CONFIG";
  readonly diagnostics: Diagnostic[];
  constructor(unordered: Diagnostic[], options?: { cause?: unknown }) {
    const diagnostics = inSourceOrder(unordered);
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

/**
 * The environment failed, not the configuration and not Grove: out of file descriptors or disk space,
 * a port in use, a git command that failed, a file that cannot be written. The message names the
 * resource and what to do. Exit code 5.
 */
export class EnvironmentError extends GroveError {
  readonly code: string;
  constructor(code: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "EnvironmentError";
    this.code = code;
  }
}

const ERRNO_ADVICE: Record<string, string> = {
  ENOSPC: "no space left on the device; free some space, or write elsewhere",
  EDQUOT: "the disk quota is exhausted; free some space, or write elsewhere",
  EROFS: "the file system is read-only; write elsewhere",
  EACCES: "permission denied; fix the permissions, or write elsewhere",
  EPERM: "operation not permitted; fix the permissions, or write elsewhere",
  EMFILE:
    "too many open files for this process (ulimit -n); raise the limit (ulimit -n 4096) or run fewer at once (--workers)",
  ENFILE: "the system is out of file descriptors; close some programs, or run fewer at once (--workers)",
  ENOMEM: "out of memory; run fewer at once (--workers)",
  EAGAIN: "the system refused more processes (ulimit -u); run fewer at once (--workers)",
  EADDRINUSE: "the port is in use; choose another one, or leave the port out to get a free one",
  EIO: "an input/output error; check the disk",
};

/**
 * The EnvironmentError for a Node system error (ENOSPC, EMFILE, EADDRINUSE, ...), naming the file or
 * port it carries; undefined for anything else (which stays an internal error).
 */
export function environmentErrorFrom(error: unknown, resource?: string): EnvironmentError | undefined {
  if (error instanceof EnvironmentError) return error;
  if (!(error instanceof Error) || error instanceof GroveError) return undefined;
  const e = error as NodeJS.ErrnoException & { address?: string; port?: number; dest?: string };
  const advice = e.code ? ERRNO_ADVICE[e.code] : undefined;
  if (!advice) return undefined;
  const what =
    resource ??
    e.path ??
    (e.port !== undefined ? `port ${e.port} on ${e.address ?? "127.0.0.1"}` : undefined) ??
    e.syscall ??
    "an operation";
  return new EnvironmentError(`E_ENV_${e.code}`, `${what}: ${advice} (${e.code})`, { cause: error });
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
