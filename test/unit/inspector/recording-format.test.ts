import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runInNewContext } from "node:vm";
import { afterEach, describe, expect, it } from "vitest";
import { exitCodeForError } from "../../../src/cli/exit-codes.js";
import { GroveError } from "../../../src/errors.js";
import type { AttemptResult, GroveEvent, ScenarioResult } from "../../../src/events.js";
import { inspectorAsset } from "../../../src/inspector/assets.js";
import { RunRecorder } from "../../../src/inspector/recorder.js";
import {
  decodeRecording,
  RecordingFormatError,
  readRecording,
} from "../../../src/inspector/recording-format.js";
import { commandResult } from "../../helpers/command-result.js";

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

const attempt = (n: number, status: "passed" | "failed"): AttemptResult =>
  ({
    attempt: n,
    status,
    reason: status === "passed" ? "exit-zero" : "exit-non-zero",
    test: commandResult("test", status),
    steps: [],
    startedAt: "",
    endedAt: "",
    durationSeconds: 0.1,
  }) as unknown as AttemptResult;

const finished = (name: string, attempts: AttemptResult[]): ScenarioResult =>
  ({ name, worktree: "w", status: "passed", reason: "exit-zero", detail: "passed", attempts }) as never;

/** The page's decoder (assets/inspector/recording.js), run as the page runs it. */
function pageDecode(lines: unknown[]): unknown[] {
  const window: { Grove?: { createDecoder(): (raw: unknown) => unknown } } = {};
  runInNewContext(readFileSync(inspectorAsset("recording.js"), "utf8"), { window });
  const decode = window.Grove!.createDecoder();
  return lines.map((l) => decode(l)).filter((l) => l !== null);
}

function record(
  events: GroveEvent[],
  steps: [string, string, unknown, string][],
): { text: string; retained: readonly string[] } {
  const dir = mkdtempSync(join(tmpdir(), "grove-recording-"));
  dirs.push(dir);
  const recorder = new RunRecorder(dir, {
    runId: "r",
    scenarioMachine: { id: "s", states: [], transitions: [] } as never,
    worktreeMachine: { id: "w", states: [], transitions: [] } as never,
    scenarios: [],
    worktrees: [],
  });
  // As the live server and the HTML report do: after the recorder is made.
  recorder.retain = true;
  for (const e of events) recorder.onEvent(e);
  for (const s of steps) recorder.step(...s);
  recorder.close();
  return { text: readFileSync(join(dir, "events.ndjson"), "utf8"), retained: recorder.lines };
}

describe("the recording's format", () => {
  const a1 = attempt(1, "failed");
  const a2 = attempt(2, "passed");
  const events: GroveEvent[] = [
    { type: "attempt-finished", at: "", name: "flaky", worktree: "w", result: a1 },
    { type: "attempt-finished", at: "", name: "flaky", worktree: "w", result: a2 },
    { type: "scenario-finished", at: "", result: finished("flaky", [a1, a2]) },
    // Attempts that were not recorded one by one are written out in full.
    { type: "scenario-finished", at: "", result: finished("other", [attempt(1, "passed")]) },
  ];
  const steps: [string, string, unknown, string][] = [
    ["flaky", "RUN", "waiting", "active"],
    ["other", "RUN", "waiting", "active"],
    ["flaky", "SKIP", { running: "test" }, "done"],
  ];

  it("writes each repeated value once and reads back every event and state as recorded", () => {
    const { text, retained } = record(events, steps);
    // The retained lines (what the page is sent) are the file's, header included.
    expect(retained.join("\n")).toBe(text.trimEnd());
    // "waiting" and "RUN" are defined once, then referred to by id.
    expect(text.match(/"waiting"/g)).toHaveLength(1);
    expect(text.match(/"RUN"/g)).toHaveLength(1);
    const lines = readRecording(text);
    const grove = lines.flatMap((l) => (l.k === "grove" ? [l.e] : []));
    expect(grove.map(({ at: _at, ...e }) => e)).toEqual(events.map(({ at: _at, ...e }) => e));
    for (const e of grove) expect(new Date(e.at).getTime()).toBeGreaterThan(0);
    expect(lines.flatMap((l) => (l.k === "state" ? [[l.a, l.v, l.s]] : []))).toEqual(
      steps.map(([a, , v, s]) => [a, v, s]),
    );
    expect(lines.flatMap((l) => (l.k === "event" ? [[l.a, l.ev]] : []))).toEqual(
      steps.map(([a, ev]) => [a, ev]),
    );
  });

  it("the page's decoder reads what Node's does", () => {
    const { text } = record(events, steps);
    const parsed = text
      .split("\n")
      .filter(Boolean)
      .map((l) => JSON.parse(l));
    // The page keeps "no transitions" as null where Node leaves x out, and does not restore `at`.
    const page = JSON.parse(JSON.stringify(pageDecode(parsed)).replaceAll(',"x":null', ""));
    const node = decodeRecording(parsed).map((l) =>
      l.k === "grove" ? { ...l, e: { ...l.e, at: undefined } } : l,
    );
    expect(page).toEqual(JSON.parse(JSON.stringify(node)));
  });

  it("reads version 1 (one object per line) as it is, and refuses a newer version by name", () => {
    const v1 = [{ t: 5, k: "actor", a: "x" }];
    expect(decodeRecording(v1)).toEqual(v1);
    expect(pageDecode(v1)).toEqual(v1);
    const newer = [{ recording: "grove", version: 99, t0: 0 }];
    expect(() => decodeRecording(newer)).toThrow(RecordingFormatError);
    expect(() => decodeRecording(newer)).toThrow(/version 99; this Grove reads versions 1 to 2/);
    expect(() => pageDecode(newer)).toThrow(/version 99/);
  });

  it("a recording Grove cannot read is a usage error (exit 2) naming the file, the line and the fix", () => {
    const error = (() => {
      try {
        readRecording('{"recording":"grove","version":99,"t0":0}\n', "/runs/r1/events.ndjson");
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(RecordingFormatError);
    expect(error).toBeInstanceOf(GroveError);
    expect(exitCodeForError(error)).toBe(2);
    expect((error as RecordingFormatError).message).toBe(
      "/runs/r1/events.ndjson:1:1: the recording is version 99; this Grove reads versions 1 to 2\n" +
        "    fix: replay it with the Grove that recorded it (grove --version there), or a newer one",
    );
    // A header that says it is Grove's but lacks its t0 is damaged, not "a newer version".
    expect(() => decodeRecording([{ recording: "grove", version: 2 }])).toThrow(
      /events\.ndjson:1:1: the header is damaged: expected .*"t0":<epoch ms>\}/,
    );
  });
});
