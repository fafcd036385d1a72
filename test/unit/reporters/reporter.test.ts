import { describe, expect, it } from "vitest";
import type { GroveEvent, ScenarioResult } from "../../../src/events.js";
import { EXIT, runExitCode } from "../../../src/exit-codes.js";
import type { Report } from "../../../src/reporters/build-report.js";
import { CompositeReporter, type Reporter } from "../../../src/reporters/reporter.js";

const finished: GroveEvent = { type: "run-finished", at: "t", interrupted: false, wallSeconds: 1 };

describe("CompositeReporter", () => {
  it("fans every event and the final report out to each reporter, in the order given", async () => {
    const seen: string[] = [];
    const recording = (name: string): Reporter => ({
      onEvent: (e) => void seen.push(`${name}:${e.type}`),
      onEnd: async (r) => void seen.push(`${name}:end:${r.summary.total}`),
    });
    const composite = new CompositeReporter([
      recording("a"),
      undefined,
      { onEnd: () => void seen.push("b:end") },
      recording("c"),
    ]);
    composite.onEvent(finished);
    await composite.onEnd({ summary: { total: 3 } } as Report);
    expect(seen).toEqual(["a:run-finished", "c:run-finished", "a:end:3", "b:end", "c:end:3"]);
  });

  it("a reporter whose onEvent throws does not stop the others' events; its error is thrown at the end", async () => {
    const seen: string[] = [];
    const bug = new Error("a reporter's bug");
    const composite = new CompositeReporter([
      {
        onEvent: () => {
          throw bug;
        },
      },
      { onEvent: (e) => void seen.push(e.type), onEnd: () => void seen.push("end") },
    ]);
    composite.onEvent(finished);
    composite.onEvent(finished);
    await expect(composite.onEnd({} as Report)).rejects.toBe(bug);
    expect(seen).toEqual(["run-finished", "run-finished", "end"]);
  });

  it("waits for one reporter's end before starting the next", async () => {
    const seen: string[] = [];
    let release!: () => void;
    const slow: Reporter = {
      onEnd: () =>
        new Promise<void>((resolve) => {
          release = () => {
            seen.push("slow");
            resolve();
          };
        }),
    };
    const ending = new CompositeReporter([slow, { onEnd: () => void seen.push("next") }]).onEnd({} as Report);
    await Promise.resolve();
    expect(seen).toEqual([]);
    release();
    await ending;
    expect(seen).toEqual(["slow", "next"]);
  });

  it("a reporter that throws does not stop the ones after it: they are told, and the first error is thrown", async () => {
    const full = new Error("writing /r/report.json (its previous content is intact): no space left");
    const told: unknown[][] = [];
    const composite = new CompositeReporter([
      {
        onEnd: () => {
          throw full;
        },
      },
      {
        onEnd: () => {
          throw new Error("second");
        },
      },
      { onEnd: (_r, failed) => void told.push([...(failed ?? [])]) },
    ]);
    await expect(composite.onEnd({} as Report)).rejects.toBe(full);
    expect(told).toEqual([[full, new Error("second")]]);
  });
});

describe("runExitCode", () => {
  const result = (status: ScenarioResult["status"]) => ({ status }) as ScenarioResult;
  const base = { interrupted: false, leaks: 0, failOnLeak: false };
  it("is 0 only when every scenario passed", () => {
    expect(runExitCode({ ...base, results: [result("passed"), result("passed")] })).toBe(EXIT.ok);
    for (const s of ["failed", "timed-out", "errored", "skipped", "cancelled"] as const)
      expect(runExitCode({ ...base, results: [result("passed"), result(s)] })).toBe(EXIT.failed);
  });
  it("a leak fails a passing run only with failOnLeak", () => {
    expect(runExitCode({ ...base, leaks: 1, results: [result("passed")] })).toBe(EXIT.ok);
    expect(runExitCode({ ...base, leaks: 1, failOnLeak: true, results: [result("passed")] })).toBe(
      EXIT.failed,
    );
  });
  it("an interrupted run is 130 whatever else happened", () => {
    expect(runExitCode({ interrupted: true, leaks: 2, failOnLeak: true, results: [result("failed")] })).toBe(
      EXIT.interrupted,
    );
    expect(runExitCode({ ...base, interrupted: true, environmentFailed: true, results: [] })).toBe(
      EXIT.interrupted,
    );
  });
  it("a run the environment stopped is 5, even when what ran passed", () => {
    expect(runExitCode({ ...base, environmentFailed: true, results: [result("passed")] })).toBe(
      EXIT.environment,
    );
  });
});
