import { describe, expect, it } from "vitest";
import type { AttemptResult, AttemptStatus } from "../../../src/events.js";
import type { ScenarioContext } from "../../../src/machines/scenario-machine.js";
import { finalStatusOf, toScenarioResult } from "../../../src/machines/scenario-result.js";
import { commandResult } from "../../helpers/command-result.js";

const attempt = (
  n: number,
  status: AttemptStatus,
  reason: string,
  exitCode: number | null = 1,
): AttemptResult => ({
  attempt: n,
  status,
  reason,
  test: { ...commandResult("test", status, reason), exitCode },
  steps: [],
  startedAt: "",
  endedAt: "",
  durationSeconds: 0,
});

const context = (over: Partial<ScenarioContext>): ScenarioContext => ({
  name: "lexer",
  worktree: "core",
  retries: 0,
  timeoutMs: 90_000,
  retryOn: [],
  attempt: 0,
  deadline: 0,
  attemptStartedAt: "",
  commands: [],
  outcome: null,
  attempts: [],
  cancelled: false,
  cancelledBy: null,
  skip: null,
  ...over,
});

const about = { description: "the lexer", tags: ["fast"] };

describe("a finished scenario's result (what every reporter shows)", () => {
  it("maps each final state to its status, and nothing else", () => {
    expect(["passed", "failed", "timedOut", "errored", "skipped", "cancelled"].map(finalStatusOf)).toEqual([
      "passed",
      "failed",
      "timed-out",
      "errored",
      "skipped",
      "cancelled",
    ]);
    for (const v of ["running", "queued", { running: "test" }, undefined])
      expect(finalStatusOf(v)).toBeUndefined();
    expect(() => toScenarioResult({ running: "test" }, context({}), about)).toThrow(
      /lexer is not finished.*this is a bug in Grove/s,
    );
  });

  it("a pass: the scenario's name, worktree, description and tags; flaky only after a failed attempt", () => {
    const once = toScenarioResult(
      "passed",
      context({ attempts: [attempt(1, "passed", "exit-zero", 0)] }),
      about,
    );
    expect(once).toMatchObject({
      name: "lexer",
      worktree: "core",
      description: "the lexer",
      tags: ["fast"],
      status: "passed",
      reason: "exit-zero",
      detail: "passed",
      flaky: false,
    });
    expect(once.attempts).toHaveLength(1);
    expect("skip" in once).toBe(false);
    const flaky = toScenarioResult(
      "passed",
      context({ attempts: [attempt(1, "failed", "exit-non-zero"), attempt(2, "passed", "exit-zero", 0)] }),
      about,
    );
    expect([flaky.flaky, flaky.detail]).toEqual([true, "passed on attempt 2 (flaky: attempt 1 failed)"]);
    const twice = toScenarioResult(
      "passed",
      context({
        attempts: [
          attempt(1, "timed-out", "timeout"),
          attempt(2, "timed-out", "timeout"),
          attempt(3, "passed", "exit-zero", 0),
        ],
      }),
      about,
    );
    expect(twice.detail).toBe("passed on attempt 3 (flaky: attempts 1-2 timed out)");
    const mixed = toScenarioResult(
      "passed",
      context({
        attempts: [
          attempt(1, "failed", "exit-non-zero", 1),
          attempt(2, "errored", "spawn-failed"),
          attempt(3, "passed", "exit-zero", 0),
        ],
      }),
      about,
    );
    expect(mixed.detail).toBe("passed on attempt 3 (flaky: attempts 1-2 did not pass)");
  });

  it("a failure names the exit code and how many attempts it took; without an exit code, the reason", () => {
    const one = toScenarioResult(
      "failed",
      context({ attempts: [attempt(1, "failed", "exit-non-zero", 3)] }),
      about,
    );
    expect([one.reason, one.detail, one.flaky]).toEqual(["exit-non-zero", "exit code 3", false]);
    const three = toScenarioResult(
      "failed",
      context({ attempts: [1, 2, 3].map((n) => attempt(n, "failed", "exit-non-zero", n)) }),
      about,
    );
    expect(three.detail).toBe("exit code 3 after 3 attempts");
    const signal = toScenarioResult(
      "failed",
      context({ attempts: [attempt(1, "failed", "signal", null)] }),
      about,
    );
    expect(signal.detail).toBe("signal");
    const noTest = toScenarioResult(
      "failed",
      context({ attempts: [{ ...attempt(1, "failed", "exit-non-zero"), test: undefined }] }),
      about,
    );
    expect(noTest.detail).toBe("exit-non-zero");
  });

  it("a timeout says the limit in seconds and that the process group was ended", () => {
    const r = toScenarioResult(
      "timedOut",
      context({ attempts: [attempt(1, "timed-out", "timeout"), attempt(2, "timed-out", "timeout")] }),
      about,
    );
    expect([r.status, r.reason]).toEqual(["timed-out", "timeout"]);
    expect(r.detail).toBe("timed out after 90s after 2 attempts; its process group was ended");
    expect(
      toScenarioResult("timedOut", context({ attempts: [attempt(1, "timed-out", "timeout")] }), about).detail,
    ).toBe("timed out after 90s; its process group was ended");
  });

  it("an error names its reason, and the exit code when the test had one", () => {
    const after = toScenarioResult(
      "errored",
      context({ attempts: [attempt(1, "errored", "after-step-failed", 0)] }),
      about,
    );
    expect(after.detail).toBe("after-step-failed (exit code 0)");
    const spawn = toScenarioResult(
      "errored",
      context({
        attempts: [attempt(1, "errored", "spawn-failed", null), attempt(2, "errored", "spawn-failed", null)],
      }),
      about,
    );
    expect(spawn.detail).toBe("spawn-failed after 2 attempts");
    const before = toScenarioResult(
      "errored",
      context({ attempts: [{ ...attempt(1, "errored", "before-step-failed"), test: undefined }] }),
      about,
    );
    expect(before.detail).toBe("before-step-failed");
  });

  it("with no attempt recorded, the reason is the status", () => {
    expect(toScenarioResult("errored", context({}), about).reason).toBe("errored");
  });

  it("a skip carries its cause: reason, the sentence, the dependency", () => {
    const skip = {
      reason: "dependency-failed",
      detail: 'dependency "parser" failed (exit-non-zero)',
      dependency: "parser",
    };
    const r = toScenarioResult("skipped", context({ skip }), about);
    expect([r.status, r.reason, r.detail]).toEqual(["skipped", "dependency-failed", skip.detail]);
    expect(r.skip).toEqual(skip);
    const worktree = toScenarioResult(
      "skipped",
      context({ skip: { reason: "setup-failed", detail: "worktree core: setup failed" } }),
      about,
    );
    expect([worktree.reason, worktree.detail]).toEqual(["setup-failed", "worktree core: setup failed"]);
    // A skip without a recorded cause still reads as a dependency's failure.
    const bare = toScenarioResult("skipped", context({}), about);
    expect([bare.reason, bare.detail]).toEqual(["dependency-failed", "skipped"]);
  });

  it("an interrupt: cancelled, whatever the last attempt said", () => {
    const r = toScenarioResult(
      "cancelled",
      context({ attempts: [attempt(1, "failed", "exit-non-zero")] }),
      about,
    );
    expect([r.status, r.reason, r.detail]).toEqual(["cancelled", "cancelled", "cancelled by an interrupt"]);
  });

  it("cancelled by what stopped the run when that was not an interrupt (an environment failure)", () => {
    const r = toScenarioResult(
      "cancelled",
      context({ cancelled: true, cancelledBy: "an environment failure (EMFILE)" }),
      about,
    );
    expect([r.status, r.reason, r.detail]).toEqual([
      "cancelled",
      "cancelled",
      "cancelled by an environment failure (EMFILE)",
    ]);
  });
});
