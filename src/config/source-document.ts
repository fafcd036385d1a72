/**
 * A parsed JSON(C) or YAML document that can say where a JSON path is in its text. Loaders use it to
 * turn schema errors into `file:line:column (at /path)` diagnostics. The parsers are in
 * json-document.ts and yaml-document.ts, the checks both share in document-checks.ts.
 */
import type { Diagnostic, SourceLocation } from "../errors.js";
import type { PathSegment } from "../util/json-pointer.js";

/** The value of a document plus a way to locate any path inside it. */
export interface SourceDocument {
  file: string;
  value: unknown;
  /** Location of the deepest existing node on `path` (the key, for a missing property). */
  locate(path: readonly PathSegment[]): SourceLocation;
}

/** What a parser returns: a document, or the problems that stopped it. */
export interface ParsedDocument {
  doc?: SourceDocument;
  problems: Diagnostic[];
}
