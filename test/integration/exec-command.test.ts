import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { isAlive, liveGroupMembers } from "../../src/resources/process-table.js";
import { execCommand } from "../../src/steps/exec-command.js";
import { interpretExit } from "../../src/steps/interpret-exit.js";
import { launchDirect } from "../../src/steps/launch-process.js";
import { readTail } from "../../src/steps/output-tail.js";
import { FIXTURES } from "../helpers/paths.js";
import { tempDir } from "../helpers/temp-dir.js";
import { waitForFile } from "../helpers/wait-for.js";

const node = (script: string, ...args: string[]) => ({
  kind: "argv" as const,
  argv: [process.execPath, join(FIXTURES, script), ...args],
});

describe("execCommand (real processes)", () => {
  it("streams output to the log file and reports the exit code", async () => {
    const dir = tempDir();
    const log = join(dir, "a.log");
    const out = await execCommand({
      command: node("fail.mjs", "3"),
      cwd: dir,
      env: {},
      logPath: log,
      deadline: Date.now() + 10_000,
      killGraceMs: 1000,
    });
    expect(out.exitCode).toBe(3);
    expect(out.timedOut).toBe(false);
    expect(readFileSync(log, "utf8")).toMatch(/about to fail\nAssertionError: boom\n/);
    expect(interpretExit(out)).toEqual({ status: "failed", reason: "exit-non-zero" });
  });

  it("at the deadline ends the whole group: a grandchild ignoring SIGTERM is gone after the grace period, partial output kept", async () => {
    const dir = tempDir();
    const log = join(dir, "hang.log");
    const pidFile = join(dir, "grandchild.pid");
    const out = await execCommand({
      command: node("ignore-sigterm.mjs", pidFile),
      cwd: dir,
      env: {},
      logPath: log,
      // Long enough for the fixture to start its grandchild on a loaded machine (the test needs its pid).
      deadline: Date.now() + 4000,
      killGraceMs: 300,
    });
    expect(out.timedOut).toBe(true);
    expect(out.forced).toBe(true);
    const grandchild = Number(readFileSync(pidFile, "utf8"));
    expect(isAlive(grandchild)).toBe(false);
    expect(liveGroupMembers(out.pid!)).toEqual([]);
    const text = readFileSync(log, "utf8");
    expect(text).toContain("partial output before the hang");
    expect(text).toContain("grandchild up");
    expect(interpretExit(out)).toEqual({ status: "timed-out", reason: "timeout" });
  });

  it("ends the group when aborted and says so", async () => {
    const dir = tempDir();
    const controller = new AbortController();
    const running = execCommand({
      command: node("forever.mjs"),
      cwd: dir,
      env: {},
      logPath: join(dir, "f.log"),
      deadline: Date.now() + 30_000,
      killGraceMs: 1000,
      signal: controller.signal,
    });
    await waitForFile(join(dir, "f.log"));
    controller.abort();
    const out = await running;
    expect(out.cancelled).toBe(true);
    expect(out.forced).toBe(false);
    expect(liveGroupMembers(out.pid!)).toEqual([]);
    expect(interpretExit(out).status).toBe("cancelled");
  });

  it("is ended as cancelled through onCancellable, also when the cancel comes while it is being launched", async () => {
    const dir = tempDir();
    for (const when of ["running", "launching"] as const) {
      let cancel: (() => void) | undefined;
      const logPath = join(dir, `${when}.log`);
      const running = execCommand({
        command: node("forever.mjs"),
        cwd: dir,
        env: {},
        logPath,
        deadline: Date.now() + 30_000,
        killGraceMs: 1000,
        onCancellable: (c) => {
          cancel = c;
        },
        // The launch itself runs the cancel when asked to (before the command has a pid).
        launch: async (request) => {
          if (when === "launching") cancel!();
          return launchDirect(request);
        },
      });
      if (when === "running") {
        await waitForFile(logPath);
        cancel!();
      }
      const out = await running;
      expect(out.cancelled).toBe(true);
      expect(out.timedOut).toBe(false);
      expect(liveGroupMembers(out.pid!)).toEqual([]);
      expect(interpretExit(out).status).toBe("cancelled");
    }
  });

  it("passes a templated argument with spaces and quotes as one argv element, never through a shell", async () => {
    const dir = tempDir();
    const log = join(dir, "e.log");
    const tricky = `tests/it's "quoted" $(touch ${join(dir, "pwned")}); echo`;
    const out = await execCommand({
      command: node("print-env.mjs", tricky),
      cwd: dir,
      env: { GROVE_SCENARIO: "s", EXTRA: "1" },
      logPath: log,
      deadline: Date.now() + 10_000,
      killGraceMs: 1000,
    });
    expect(out.exitCode).toBe(0);
    const printed = JSON.parse(readFileSync(log, "utf8").split("\n")[0]!);
    expect(printed.argv).toEqual([tricky]);
    expect(printed.env).toMatchObject({ GROVE_SCENARIO: "s", EXTRA: "1" });
    expect(() => readFileSync(join(dir, "pwned"))).toThrow();
  });

  it("reports a command that cannot start as a spawn error", async () => {
    const dir = tempDir();
    const out = await execCommand({
      command: { kind: "argv", argv: ["grove-no-such-command"] },
      cwd: dir,
      env: {},
      logPath: join(dir, "n.log"),
      deadline: Date.now() + 10_000,
      killGraceMs: 1000,
    });
    expect(out.spawnError).toBe("command not found: grove-no-such-command (is it installed and on PATH?)");
    expect(interpretExit(out)).toEqual({ status: "errored", reason: "spawn-failed" });
  });

  it("interprets exit codes through the pipeline's table (pytest 5 = no tests collected)", async () => {
    const dir = tempDir();
    const out = await execCommand({
      command: node("fail.mjs", "5"),
      cwd: dir,
      env: {},
      logPath: join(dir, "p.log"),
      deadline: Date.now() + 10_000,
      killGraceMs: 1000,
    });
    const table = new Map([[5, { status: "errored" as const, reason: "no-tests-collected" }]]);
    expect(interpretExit(out, table)).toEqual({ status: "errored", reason: "no-tests-collected" });
  });

  it("keeps large output on disk and only the tail in memory", async () => {
    const dir = tempDir();
    const log = join(dir, "lots.log");
    const out = await execCommand({
      command: node("print-lots.mjs", "50000"),
      cwd: dir,
      env: {},
      logPath: log,
      deadline: Date.now() + 20_000,
      killGraceMs: 1000,
    });
    expect(out.exitCode).toBe(0);
    const tail = readTail(log, 3);
    expect(tail.split("\n")).toEqual([
      expect.stringMatching(/^line 49997 /),
      expect.stringMatching(/^line 49998 /),
      expect.stringMatching(/^line 49999 /),
    ]);
  });
});
