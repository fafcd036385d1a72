import { describe, expect, it } from "vitest";
import type { EventObject } from "xstate";
import { getShortestPaths, getStateNodes } from "xstate/graph";
import type { AttemptStatus, CommandResult } from "../../../src/events.js";
import { createScenarioMachine } from "../../../src/machines/scenario-machine.js";
import { commandResult } from "../../helpers/command-result.js";

const output = (phase: CommandResult["phase"], status: AttemptStatus) => commandResult(phase, status);

const STATUSES: AttemptStatus[] = ["passed", "failed", "timed-out", "errored", "cancelled"];

/** Every event the machine can receive in a state, including the done events of its invoked actors. */
function eventsFor(snapshot: { value: unknown }): EventObject[] {
  const base: EventObject[] = [
    { type: "RUN" },
    { type: "DEPENDENCIES_PASSED" },
    { type: "START" },
    { type: "CANCEL" },
    {
      type: "SKIP",
      cause: { reason: "dependency-failed", detail: "dependency x failed", dependency: "x" },
    } as EventObject,
  ];
  const value = snapshot.value as { running?: string } | string;
  if (typeof value === "object" && value.running) {
    const key = value.running;
    const phase = key === "test" ? "test" : key.startsWith("before") ? "before" : "after";
    for (const status of STATUSES)
      base.push({ type: `xstate.done.actor.${key}`, output: output(phase, status) } as EventObject);
  }
  return base;
}

// Compiled and walked inside each test, not in the describe body: code run while vitest collects
// tests counts as "static" for Stryker, which then runs every test against each mutant of it.
function explore() {
  const machine = createScenarioMachine({ before: ["prepare"], after: ["collect"] });
  const paths = getShortestPaths(machine, {
    events: eventsFor,
    input: { name: "s", worktree: "w", retries: 1, timeoutMs: 1000, retryOn: ["failed", "timed-out"] },
    serializeState: (s: { value: unknown; context?: unknown }) => {
      const c = (
        s as { context: { attempt: number; cancelled: boolean; outcome: { status: string } | null } }
      ).context;
      return JSON.stringify({ v: s.value, a: c.attempt, c: c.cancelled, o: c.outcome?.status });
    },
  } as never);
  return { machine, paths };
}

describe("scenario machine paths (xstate/graph)", () => {
  it("reaches every state node of the compiled machine", () => {
    const { machine, paths } = explore();
    const reached = new Set<string>();
    for (const p of paths) {
      for (const step of p.steps) {
        const v = step.state.value as string | { running: string };
        reached.add(typeof v === "string" ? v : `running.${v.running}`);
      }
    }
    const all = getStateNodes(machine.root)
      .filter((n) => n.type !== "compound")
      .map((n) => n.path.join("."));
    // "retrying" and "running.settle" are transient (eventless): never a resting state.
    const resting = all.filter((p) => p !== "retrying" && p !== "running.settle");
    expect(resting.sort()).toEqual([...resting].filter((p) => reached.has(p)).sort());
    expect(resting).toEqual(
      expect.arrayContaining([
        "pending",
        "waiting",
        "queued",
        "running.before_0",
        "running.test",
        "running.after_0",
        "passed",
        "failed",
        "timedOut",
        "errored",
        "skipped",
        "cancelled",
      ]),
    );
  });

  it("every path to a final state passes through the after step once an attempt started", () => {
    const { paths } = explore();
    for (const p of paths) {
      const values = p.steps.map((s) => JSON.stringify(s.state.value));
      const startedAttempt = values.some((v) => v.includes("before_0"));
      const final = p.state.status === "done";
      if (startedAttempt && final) expect(values.some((v) => v.includes("after_0"))).toBe(true);
    }
  });

  it("reaches skipped only from waiting or queued, with the cause kept", () => {
    const { paths } = explore();
    const toSkipped = paths.filter((p) => p.state.value === "skipped");
    expect(toSkipped.length).toBeGreaterThan(0);
    for (const p of toSkipped) {
      const before = p.steps[p.steps.length - 2]?.state.value;
      expect(["waiting", "queued"]).toContain(before);
      expect((p.state as { context: { skip: { dependency: string } } }).context.skip.dependency).toBe("x");
    }
  });

  it("a failed first attempt retries, and a pass on the second ends passed", () => {
    const { paths } = explore();
    const flaky = paths.find(
      (p) =>
        p.state.value === "passed" && (p.state as { context: { attempt: number } }).context.attempt === 2,
    );
    expect(flaky).toBeDefined();
  });
});
