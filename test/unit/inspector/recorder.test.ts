import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { createActor, fromPromise, waitFor } from "xstate";
import type { CommandResult } from "../../../src/events.js";
import { describeMachine } from "../../../src/inspector/describe-machine.js";
import { RunRecorder } from "../../../src/inspector/recorder.js";
import { readRecording } from "../../../src/inspector/recording-format.js";
import { createScenarioMachine } from "../../../src/machines/scenario-machine.js";
import { commandResult } from "../../helpers/command-result.js";

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

const result = (status: "passed" | "failed", phase: "test" | "after"): CommandResult =>
  commandResult(phase, status, status === "passed" ? "exit-zero" : "exit-non-zero", ["x"]);

/** A recorder writing to a fresh temp dir, for a scenario machine of this pipeline shape. */
function recorderFor(shape: { before: string[]; after: string[] }) {
  const dir = mkdtempSync(join(tmpdir(), "grove-recorder-"));
  dirs.push(dir);
  const machine = createScenarioMachine(shape);
  const recorder = new RunRecorder(dir, {
    runId: "r",
    scenarioMachine: describeMachine(machine),
    worktreeMachine: describeMachine(machine),
    scenarios: [],
    worktrees: [],
  });
  return { dir, machine, recorder };
}

describe("RunRecorder", () => {
  it("records every state a flaky scenario enters, transient ones and the transitions taken included", async () => {
    const { dir, machine, recorder } = recorderFor({ before: [], after: ["collect"] });
    let attempt = 0;
    const actor = createActor(
      machine.provide({
        actors: {
          runStep: fromPromise(async () => result("passed", "after")) as never,
          runTest: fromPromise(async () => result(++attempt === 1 ? "failed" : "passed", "test")) as never,
        },
      }),
      {
        input: { name: "flaky", worktree: "w", retries: 1, timeoutMs: 10_000, retryOn: ["failed"] },
        inspect: (e) => recorder.inspect(e, "flaky"),
      },
    );
    actor.start();
    for (const type of ["RUN", "DEPENDENCIES_PASSED", "START"] as const) actor.send({ type });
    await waitFor(actor, (s) => s.status === "done");
    await recorder.close();
    const lines = readRecording(readFileSync(join(dir, "events.ndjson"), "utf8"));
    const states = lines.flatMap((l) => (l.k === "state" ? [JSON.stringify(l.v)] : []));
    expect(states).toEqual(
      [
        "pending",
        "waiting",
        "queued",
        { running: "test" },
        { running: "after_0" },
        { running: "settle" },
        "retrying",
        { running: "test" },
        { running: "after_0" },
        { running: "settle" },
        "passed",
      ].map((v) => JSON.stringify(v)),
    );
    const taken = lines.flatMap((l) => (l.k === "state" ? (l.x ?? []) : []));
    expect(taken).toContain("running.settle>retrying");
    expect(taken).toContain("retrying>running");
    expect(lines.flatMap((l) => (l.k === "event" ? [l.ev] : []))).toContain("START");
  });
});

describe("RunRecorder.step (a scenario stepped without an actor)", () => {
  it("records the event, the state and the direct transition taken, none for the initial state", async () => {
    const { dir, machine, recorder } = recorderFor({ before: [], after: [] });
    recorder.step("s", "xstate.init", "pending", "active");
    recorder.step("s", "RUN", "waiting", "active");
    recorder.step("s", "SKIP", "skipped", "done");
    await recorder.close();
    const states = readRecording(readFileSync(join(dir, "events.ndjson"), "utf8")).filter(
      (l) => l.k === "state",
    );
    expect(states.map((l) => [l.v, l.x ?? []])).toEqual([
      ["pending", []],
      ["waiting", ["pending>waiting"]],
      ["skipped", ["waiting>skipped"]],
    ]);
    // Each transition named is one the machine has, taken by that event.
    const target = (from: string, event: "RUN" | "SKIP") =>
      machine.states[from]!.on[event]![0]!.target![0]!.key;
    expect([target("pending", "RUN"), target("waiting", "SKIP")]).toEqual(["waiting", "skipped"]);
  });
});
