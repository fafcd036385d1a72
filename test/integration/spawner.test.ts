import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { afterEach, describe, expect, it } from "vitest";
import { isAlive, readProcess } from "../../src/steps/process-table.js";
import { type Spawner, startSpawner } from "../../src/steps/spawner.js";
import { FIXTURES } from "../helpers/paths.js";
import { tempDir } from "../helpers/temp-dir.js";

let spawner: Spawner | undefined;
afterEach(() => spawner?.close());

describe("spawn helpers (real processes)", () => {
  it("start commands in their own process group, with the extra environment, output in the log", async () => {
    spawner = startSpawner(2);
    expect(spawner.helperPids).toHaveLength(2);
    const dir = tempDir();
    const results = await Promise.all(
      [0, 1, 2].map(async (i) => {
        const logPath = join(dir, `${i}.log`);
        const launched = await spawner!.launch({
          argv: [process.execPath, join(FIXTURES, "print-env.mjs")],
          cwd: dir,
          env: { GROVE_SCENARIO: `s${i}` },
          logPath,
        });
        const group = readProcess(launched.pid!)?.pgid;
        const exit = await launched.exited;
        return { exit, group, pid: launched.pid, log: readFileSync(logPath, "utf8") };
      }),
    );
    results.forEach((r, i) => {
      expect(r.exit).toEqual({ exitCode: 0, signal: null });
      expect(r.group).toBe(r.pid);
      expect(JSON.parse(r.log).env.GROVE_SCENARIO).toBe(`s${i}`);
    });
  });

  it("report a command that cannot start, and a failed request", async () => {
    spawner = startSpawner(1);
    const dir = tempDir();
    const missing = await spawner.launch({
      argv: ["grove-no-such-command"],
      cwd: dir,
      env: {},
      logPath: join(dir, "a.log"),
    });
    expect(missing.pid).toBeUndefined();
    expect((await missing.exited).error?.code).toBe("ENOENT");
    await expect(
      spawner.launch({ argv: ["true"], cwd: dir, env: {}, logPath: join(dir, "no-such-dir", "a.log") }),
    ).rejects.toThrow(/ENOENT/);
  });

  it("end the commands' process groups when Grove is killed outright", async () => {
    const dir = tempDir();
    const owner = spawn(process.execPath, [join(FIXTURES, "spawner-owner.mjs"), join(dir, "forever.log")], {
      stdio: ["ignore", "pipe", "inherit"],
    });
    const line = await new Promise<string>((resolve) => owner.stdout.once("data", (d) => resolve(String(d))));
    const [commandPid, helperPid] = line.trim().split(" ").map(Number);
    expect(isAlive(commandPid!)).toBe(true);
    owner.kill("SIGKILL");
    for (let i = 0; i < 100 && (isAlive(commandPid!) || isAlive(helperPid!)); i++) await sleep(50);
    expect(isAlive(commandPid!)).toBe(false);
    expect(isAlive(helperPid!)).toBe(false);
  });
});
