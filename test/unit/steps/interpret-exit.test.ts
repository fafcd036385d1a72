/** Exit-code meanings belong to the command whose codes they are (issue #12). */
import { describe, expect, it } from "vitest";
import { exitMeaningsFor } from "../../../src/config/exit-meanings.js";
import { loadPipeline } from "../../../src/config/load-pipeline.js";
import { parseScenarios } from "../../../src/config/load-scenarios.js";
import type { ExecOutcome } from "../../../src/steps/exec-command.js";
import { interpretExit } from "../../../src/steps/interpret-exit.js";

const exited = (exitCode: number) =>
  ({ exitCode, signal: null, timedOut: false, cancelled: false }) as ExecOutcome;

describe("whose exit-code table applies", () => {
  const pytest = loadPipeline(undefined);
  const [withTestFile, withRun, withOwnTable] = parseScenarios(
    "s.json",
    JSON.stringify({
      scenarios: [
        { name: "a", worktree: "w", test_file: "t.py" },
        { name: "b", worktree: "w", run: ["sh", "-c", "exit 3"] },
        {
          name: "c",
          worktree: "w",
          run: ["tool"],
          exit_codes: { "3": { status: "errored", reason: "tool-crashed" } },
        },
      ],
    }),
  ).scenarios;

  it("pytest's meanings for the pipeline's pytest command, with pytest's names", () => {
    expect(interpretExit(exited(3), exitMeaningsFor(withTestFile!, pytest))).toEqual({
      status: "errored",
      reason: "pytest-internal-error",
    });
  });

  it("plain meanings for a scenario's own run: exit 3 failed, not errored: internal-error", () => {
    expect(interpretExit(exited(3), exitMeaningsFor(withRun!, pytest))).toEqual({
      status: "failed",
      reason: "exit-non-zero",
    });
    expect(interpretExit(exited(0), exitMeaningsFor(withRun!, pytest)).status).toBe("passed");
  });

  it("a scenario's own table when it gives one", () => {
    expect(interpretExit(exited(3), exitMeaningsFor(withOwnTable!, pytest))).toEqual({
      status: "errored",
      reason: "tool-crashed",
    });
    expect(interpretExit(exited(5), exitMeaningsFor(withOwnTable!, pytest)).reason).toBe("exit-non-zero");
  });
});
