import { spawn } from "node:child_process";
import { once } from "node:events";
import { readdirSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { findTagged, ticksAfterBoot } from "../../../src/resources/process-scan.js";

// Real processes and the kernel's /proc; nothing is mocked.
describe("findTagged", () => {
  it("finds a tagged process once, from a pid floor (read pid by pid) and from all of /proc alike: its threads are not processes", async () => {
    const since = ticksAfterBoot(Date.now()) - 1;
    const runId = `scan-test-${process.pid}`;
    // A Node child runs several threads; each has its own id, readable (unlisted) in /proc.
    const child = spawn(process.execPath, ["-e", 'console.log("up"); setInterval(() => {}, 1000)'], {
      env: { ...process.env, GROVE_RUN_ID: runId, GROVE_SCENARIO: "s", GROVE_ATTEMPT: "1" },
      stdio: ["ignore", "pipe", "ignore"],
    });
    try {
      await once(child.stdout!, "data");
      const pid = child.pid!;
      expect(readdirSync(`/proc/${pid}/task`).length).toBeGreaterThan(1);
      for (const floor of [pid, 0]) {
        const found = findTagged(runId, since, floor);
        expect(found.map((p) => [p.pid, p.scenario, p.attempt])).toEqual([[pid, "s", 1]]);
      }
    } finally {
      child.kill("SIGKILL");
    }
  });
});
