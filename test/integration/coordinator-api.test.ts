import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { createSampleRepo } from "../../src/demo/sample-repo.js";
import { Coordinator } from "../../src/index.js";
import { reportSchemaErrors } from "../helpers/report-schema.js";
import { tempDir } from "../helpers/temp-dir.js";

describe("Coordinator (the original's API)", () => {
  it("registers, runs twice in one process, and reports each run", async () => {
    const sample = await createSampleRepo(tempDir());
    const c = new Coordinator({
      mainRepo: sample.mainRepo,
      basePath: sample.basePath,
      pipeline: join(sample.mainRepo, "grove.pipeline.yaml"),
    });
    c.registerScenario({ name: "ok", worktree: "parser", test_file: "tests/pass.mjs" });
    c.registerScenario({ name: "bad", worktree: "cli", test_file: "tests/fail.mjs" });
    c.registerScenario({
      name: "after_bad",
      worktree: "cli",
      test_file: "tests/pass.mjs",
      dependencies: ["bad"],
    });
    for (let run = 0; run < 2; run++) {
      const results = await c.runAllScenarios({ parallel: true, maxWorkers: 2 });
      expect(Object.fromEntries(results.map((r) => [r.name, r.status]))).toEqual({
        ok: "passed",
        bad: "failed",
        after_bad: "skipped",
      });
      const report = c.generateReport(join(sample.root, `report-${run}.json`));
      expect(reportSchemaErrors(report)).toEqual([]);
      expect(report.summary).toMatchObject({ total: 3, passed: 1, failed: 1, skipped: 1 });
    }
  });

  it("rejects bad registrations with a clear error", async () => {
    const c = new Coordinator({ mainRepo: tempDir() });
    expect(() => c.registerScenario({ name: "x", worktree: "../escape", test_file: "t.py" })).toThrow(
      /worktree name "..\/escape" contains ".."/,
    );
    c.registerScenario({ name: "x", worktree: "w", test_file: "t.py", dependencies: ["y"] });
    expect(() => c.registerScenario({ name: "x", worktree: "w", test_file: "t.py" })).toThrow(
      /duplicate scenario name "x"/,
    );
    await expect(c.runAllScenarios({ maxWorkers: 0 })).rejects.toThrow(/at least 1/);
    await expect(c.runAllScenarios()).rejects.toThrow(/depends on "y", which is not a scenario/);
  });
});
