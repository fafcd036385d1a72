/**
 * The recording's format (events.ndjson), version 2, and its reader. One JSON value per line:
 *
 *   {"recording":"grove","version":2,"t0":<epoch ms>}   the first line
 *   ["=", value]                        defines the next id (0, 1, 2, ...): an actor, an event type,
 *                                       a state value, a transition or a status, written once
 *   [dt, "a", actor]                    an actor (machine) started
 *   [dt, "e", actor, event]             an event received
 *   [dt, "s", actor, value, taken?, status?]   a state entered; taken: transition ids or 0
 *   [dt, "g", event]                    a Grove event without its `at` (it is t0 + dt); a
 *                                       scenario-finished result's attempts are "=" when they are
 *                                       the attempt-finished results recorded before it
 *
 * dt is milliseconds since t0; actor, event, value, transition and status are ids. Version 1 (one
 * object per line, every string repeated) is still read. The page reads the same format in
 * assets/inspector/recording.js; this module is for Node (grove inspect's checks, tests).
 */
import { formatDiagnostic, UsageError } from "../errors.js";
import type { AttemptResult, GroveEvent } from "../events.js";

/** The version the recorder writes; the newest this Grove reads. */
export const RECORDING_VERSION = 2;

/** A recorded line as the inspector folds it (version 1's shape; version 2 decodes to it). */
export type RecordLine =
  | { t: number; k: "grove"; e: GroveEvent }
  | { t: number; k: "actor"; a: string }
  | { t: number; k: "event"; a: string; ev: string }
  /**
   * A state entered: one line per microstep, so transient states (`settle`, `retrying`, reached and
   * left by eventless transitions within one event) are recorded too. `x` lists the transitions taken
   * as "source>target" paths, so the page marks the edges of the path exactly.
   */
  | { t: number; k: "state"; a: string; v: unknown; s: string; x?: string[] };

/** The first line of a version-2 recording. */
export interface RecordingHeader {
  recording: "grove";
  version: number;
  t0: number;
}

/** Marks a scenario-finished result whose attempts are the attempt-finished results before it. */
export const SAME_ATTEMPTS = "=";

/**
 * A recording this Grove cannot read (written by a newer one, or a damaged header). A usage problem
 * (exit 2, as a bad flag is): the message names the file and line, what was found and expected, and
 * how to fix it, in the form of a configuration diagnostic.
 */
export class RecordingFormatError extends UsageError {
  constructor(
    readonly file: string,
    readonly problem: string,
    readonly fix: string,
  ) {
    super(formatDiagnostic({ location: { file, line: 1 }, message: problem, hint: fix }));
    this.name = "RecordingFormatError";
  }
}

/** The file a recording is named by when the caller does not say. */
const RECORDING_FILE = "events.ndjson";

/**
 * The header, when the first line is one (else a version-1 recording). A header from a newer Grove, or
 * one without a numeric version and t0, is refused rather than shown wrong.
 */
export function recordingHeader(first: unknown, file = RECORDING_FILE): RecordingHeader | undefined {
  if (!first || typeof first !== "object" || Array.isArray(first)) return undefined;
  const h = first as Partial<RecordingHeader>;
  if (h.recording !== "grove") return undefined;
  if (typeof h.version === "number" && h.version > RECORDING_VERSION)
    throw new RecordingFormatError(
      file,
      `the recording is version ${h.version}; this Grove reads versions 1 to ${RECORDING_VERSION}`,
      `replay it with the Grove that recorded it (grove --version there), or a newer one`,
    );
  if (typeof h.version !== "number" || typeof h.t0 !== "number")
    throw new RecordingFormatError(
      file,
      `the header is damaged: expected {"recording":"grove","version":<1 to ${RECORDING_VERSION}>,"t0":<epoch ms>}, found ${JSON.stringify(first).slice(0, 120)}`,
      "the file was changed or cut short; record the run again with grove run",
    );
  return h as RecordingHeader;
}

/** Decodes parsed lines (either version) into RecordLines, in order. */
export function decodeRecording(lines: readonly unknown[], file = RECORDING_FILE): RecordLine[] {
  const header = recordingHeader(lines[0], file);
  if (!header) return lines as RecordLine[];
  const ids: unknown[] = [];
  const attempts = new Map<string, AttemptResult[]>();
  const out: RecordLine[] = [];
  const id = (n: unknown) => ids[n as number];
  for (const raw of lines.slice(1)) {
    if (!Array.isArray(raw)) continue;
    if (raw[0] === "=") {
      ids.push(raw[1]);
      continue;
    }
    const t = header.t0 + (raw[0] as number);
    switch (raw[1]) {
      case "a":
        out.push({ t, k: "actor", a: id(raw[2]) as string });
        break;
      case "e":
        out.push({ t, k: "event", a: id(raw[2]) as string, ev: id(raw[3]) as string });
        break;
      case "s": {
        const taken = raw[4] ? (raw[4] as number[]).map((x) => id(x) as string) : undefined;
        out.push({
          t,
          k: "state",
          a: id(raw[2]) as string,
          v: id(raw[3]),
          s: raw[5] === undefined ? "active" : (id(raw[5]) as string),
          ...(taken ? { x: taken } : {}),
        });
        break;
      }
      case "g": {
        const e = { ...(raw[2] as object), at: new Date(t).toISOString() } as GroveEvent;
        if (e.type === "attempt-finished") {
          const list = attempts.get(e.name) ?? [];
          list.push(e.result);
          attempts.set(e.name, list);
        } else if (e.type === "scenario-finished" && (e.result.attempts as unknown) === SAME_ATTEMPTS) {
          e.result = { ...e.result, attempts: attempts.get(e.result.name) ?? [] };
          attempts.delete(e.result.name);
        }
        out.push({ t, k: "grove", e });
        break;
      }
    }
  }
  return out;
}

/** Parses and decodes an events.ndjson text; a torn or corrupt line (after a crash, say) is left out. */
export function readRecording(text: string, file = RECORDING_FILE): RecordLine[] {
  const parsed: unknown[] = [];
  for (const line of text.split("\n")) {
    if (!line) continue;
    try {
      parsed.push(JSON.parse(line));
    } catch {
      // A line cut short by a crash: the rest is still worth showing.
    }
  }
  return decodeRecording(parsed, file);
}
