import { spawn, spawnSync } from "node:child_process";
import { chmodSync, copyFileSync, readFileSync } from "node:fs";
import { createServer } from "node:net";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { listeningPorts } from "../../../src/resources/listening-ports.js";
import { ageSeconds, bootTicksNow } from "../../../src/resources/process-scan.js";
import {
  isAlive,
  listProcesses,
  readCommandLine,
  readEnvironment,
  readProcess,
} from "../../../src/resources/process-table.js";
import { tempDir } from "../../helpers/temp-dir.js";

// This process and the kernel's /proc are the fixture: nothing is mocked.
describe("process table (/proc)", () => {
  it("reads this process: parent, group, session, state, start time; its command line and chosen variables", async () => {
    const me = readProcess(process.pid)!;
    expect(me).toMatchObject({ pid: process.pid, ppid: process.ppid });
    // A session or group led from outside this pid namespace (a container's init) reads as 0.
    expect(me.pgid).toBeGreaterThanOrEqual(0);
    expect(me.sid).toBeGreaterThanOrEqual(0);
    expect(["R", "S"]).toContain(me.state);
    const age = ageSeconds(me.startTicks, await bootTicksNow());
    expect(age).toBeGreaterThanOrEqual(0);
    expect(age).toBeLessThan(process.uptime() + 5);
    expect(readCommandLine(process.pid)).toContain(process.execPath.split("/").pop());
    process.env.GROVE_TEST_MARK = "x"; // set after start: /proc shows the environment the process began with
    const env = readEnvironment(process.pid, ["PATH", "GROVE_TEST_MARK"]);
    expect(env.get("PATH")).toBeDefined();
    expect(env.has("GROVE_TEST_MARK")).toBe(false);
    expect(listProcesses().some((p) => p.pid === process.pid)).toBe(true);
  });

  it("a command name with spaces and parentheses does not shift the fields", async () => {
    // The kernel's command name is the executable's file name: run `sleep` under a hostile one.
    const dir = tempDir();
    const odd = join(dir, "x) (y z");
    copyFileSync("/bin/sleep", odd);
    chmodSync(odd, 0o755);
    // detached: the child leads its own session and group, so both fields are known: its pid.
    const child = spawn(odd, ["30"], { stdio: "ignore", detached: true });
    try {
      await new Promise((resolve) => child.once("spawn", resolve));
      expect(readFileSync(`/proc/${child.pid}/stat`, "utf8")).toContain("(x) (y z)");
      expect(readProcess(child.pid!)).toMatchObject({
        pid: child.pid,
        ppid: process.pid,
        pgid: child.pid,
        sid: child.pid,
      });
      expect(["R", "S"]).toContain(readProcess(child.pid!)!.state);
    } finally {
      child.kill("SIGKILL");
    }
    expect(ageSeconds(200, 100)).toBe(0);
    expect(ageSeconds(100, 350)).toBe(2.5);
  });

  it("a process that has gone, or never was, is not alive and reads as nothing", () => {
    const gone = spawnSync("true").pid!;
    expect(isAlive(gone) && readProcess(gone)?.ppid === process.pid).toBe(false);
    expect(isAlive(2 ** 23)).toBe(false);
    expect(readProcess(2 ** 23)).toBeUndefined();
    expect(readCommandLine(2 ** 23)).toBe("");
    expect(readEnvironment(2 ** 23, ["PATH"]).size).toBe(0);
  });

  it("names the loopback ports a process listens on, and none for a process with no sockets", async () => {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    try {
      const port = (server.address() as { port: number }).port;
      const ports = await listeningPorts([process.pid]);
      expect(ports.get(process.pid)).toContain(port);
      expect(await listeningPorts([])).toEqual(new Map());
      expect((await listeningPorts([2 ** 23])).size).toBe(0);
    } finally {
      server.close();
    }
  });
});
