import { spawn } from "node:child_process";
import { mkdirSync, readFileSync, readlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { isAlive, readProcess } from "../../src/resources/process-table.js";
import { type Spawner, type SpawnHelperKind, startSpawner } from "../../src/steps/spawner.js";
import { FIXTURES } from "../helpers/paths.js";
import { tempDir } from "../helpers/temp-dir.js";
import { waitUntil } from "../helpers/wait-for.js";

let spawner: Spawner | undefined;
afterEach(() => spawner?.close());

const node = (script: string, ...args: string[]) => [process.execPath, join(FIXTURES, script), ...args];

// Both helpers must behave exactly like a start from Grove itself (launchDirect): "none" is the reference.
describe.each(["python", "node", "none"] as SpawnHelperKind[])("spawn helper %s (real processes)", (kind) => {
  it("runs as asked", async () => {
    spawner = startSpawner(2, kind);
    expect(await spawner.kind()).toBe(kind);
  });

  it("starts each command as the leader of a new session and group, in its cwd, argv intact, env added, output in its log", async () => {
    spawner = startSpawner(2, kind);
    const dir = tempDir();
    const odd = ["two words", "line\nbreak", "", "ünïcödé", "--flag=x", "$HOME;|&"];
    const results = await Promise.all(
      [0, 1, 2].map(async (i) => {
        const logPath = join(dir, `${i}.log`);
        const launched = await spawner!.launch({
          argv: node("process-identity.mjs", ...odd),
          cwd: dir,
          env: { GROVE_SCENARIO: `s${i}` },
          logPath,
        });
        const exit = await launched.exited;
        return { exit, pid: launched.pid, state: JSON.parse(readFileSync(logPath, "utf8")) };
      }),
    );
    for (const r of results) {
      expect(r.exit).toMatchObject({ exitCode: 0, signal: null });
      expect(r.state).toMatchObject({ pid: r.pid, pgid: r.pid, sid: r.pid, cwd: dir, argv: odd });
    }
    const env = await spawner.launch({
      argv: ["sh", "-c", 'printf "%s|%s" "$GROVE_SCENARIO" "$GROVE_ODD"'],
      cwd: dir,
      env: { GROVE_SCENARIO: "s9", GROVE_ODD: "a=b\nc" },
      logPath: join(dir, "env.log"),
    });
    await env.exited;
    expect(readFileSync(join(dir, "env.log"), "utf8")).toBe("s9|a=b\nc");
  });

  it("starts commands with no signal ignored or blocked (a test that relies on SIGPIPE or SIGINT gets them)", async () => {
    spawner = startSpawner(1, kind);
    const dir = tempDir();
    const logPath = join(dir, "status.log");
    // cat changes no disposition: its status shows exactly what it inherited.
    await (await spawner.launch({ argv: ["cat", "/proc/self/status"], cwd: dir, env: {}, logPath })).exited;
    const status = readFileSync(logPath, "utf8");
    const mask = (name: string) =>
      BigInt(`0x${new RegExp(`^${name}:\\s*([0-9a-f]+)$`, "m").exec(status)![1]}`);
    // Signals 1-31; glibc's posix_spawn sets its two internal real-time signals (32, 33) to ignored,
    // which glibc takes back when a program uses them.
    expect(mask("SigIgn") & 0x7fffffffn).toBe(0n);
    expect(mask("SigBlk")).toBe(0n);
  });

  it("passes the command no descriptor of Grove's or the helper's: stdin, stdout, stderr and what Grove itself inherited", async () => {
    spawner = startSpawner(1, kind);
    const dir = tempDir();
    const logPath = join(dir, "fds.log");
    await (await spawner.launch({ argv: ["ls", "-l", "/proc/self/fd"], cwd: dir, env: {}, logPath })).exited;
    const fds = [...readFileSync(logPath, "utf8").matchAll(/ (\d+) -> (.+)$/gm)].map((m) => ({
      fd: Number(m[1]),
      target: m[2]!,
    }));
    expect(fds.filter((f) => f.fd <= 2).map((f) => f.target)).toEqual(["/dev/null", logPath, logPath]);
    for (const { fd, target } of fds.filter((f) => f.fd > 2)) {
      // ls's own descriptor on the directory it lists, or one this test process has too (from outside).
      if (/^\/proc\/\d+\/fd$/.test(target)) continue;
      expect(target, `descriptor ${fd}`).toBe(readlinkSync(`/proc/self/fd/${fd}`));
    }
  });

  it("looks the program up on the PATH the command's environment sets (a pipeline's venv), as Node does", async () => {
    spawner = startSpawner(1, kind);
    const dir = tempDir();
    const bin = join(dir, "venv-bin");
    mkdirSync(bin);
    writeFileSync(join(bin, "grove-probe"), "#!/bin/sh\necho found in venv\n", { mode: 0o755 });
    const logPath = join(dir, "probe.log");
    const launched = await spawner.launch({
      argv: ["grove-probe"],
      cwd: dir,
      env: { PATH: `${bin}:/usr/bin:/bin` },
      logPath,
    });
    expect(await launched.exited).toMatchObject({ exitCode: 0, signal: null });
    expect(readFileSync(logPath, "utf8")).toBe("found in venv\n");
  });

  it("runs an executable script without a #! line with /bin/sh, as execvp does", async () => {
    spawner = startSpawner(1, kind);
    const dir = tempDir();
    writeFileSync(join(dir, "plain.sh"), 'echo "plain script $1"\n', { mode: 0o755 });
    const logPath = join(dir, "plain.log");
    const launched = await spawner.launch({ argv: ["./plain.sh", "ran"], cwd: dir, env: {}, logPath });
    expect(await launched.exited).toMatchObject({ exitCode: 0, signal: null });
    expect(readFileSync(logPath, "utf8")).toBe("plain script ran\n");
  });

  it("reports exit codes and signals, a command that cannot start, and a log that cannot be opened", async () => {
    spawner = startSpawner(1, kind);
    const dir = tempDir();
    const run = async (argv: string[]) =>
      (await spawner!.launch({ argv, cwd: dir, env: {}, logPath: join(dir, "a.log") })).exited;
    expect(await run(["sh", "-c", "exit 3"])).toMatchObject({ exitCode: 3, signal: null });
    expect(await run(["sh", "-c", "kill -TERM $$"])).toMatchObject({ exitCode: null, signal: "SIGTERM" });
    const missing = await spawner.launch({
      argv: ["grove-no-such-command"],
      cwd: dir,
      env: {},
      logPath: join(dir, "b.log"),
    });
    expect(missing.pid).toBeUndefined();
    expect((await missing.exited).error?.code).toBe("ENOENT");
    await expect(
      spawner.launch({ argv: ["true"], cwd: dir, env: {}, logPath: join(dir, "no-such-dir", "a.log") }),
    ).rejects.toThrow(/ENOENT/);
  });
});

describe("the Python helper's observations at reap time (real processes)", () => {
  it("says whether a process was left in the command's group, and the log's size", async () => {
    spawner = startSpawner(1, "python");
    expect(await spawner.kind()).toBe("python");
    const dir = tempDir();
    const run = async (argv: string[], log: string) =>
      (await spawner!.launch({ argv, cwd: dir, env: {}, logPath: join(dir, log) })).exited;
    expect(await run(["true"], "quiet.log")).toEqual({
      exitCode: 0,
      signal: null,
      groupLeft: false,
      logBytes: 0,
      adopted: false,
    });
    expect(await run(["sh", "-c", "echo hello"], "said.log")).toEqual({
      exitCode: 0,
      signal: null,
      groupLeft: false,
      logBytes: 6,
      adopted: false,
    });
    // A child left behind in the group (not waited for): the leader is reaped while it lives.
    const launched = await spawner.launch({
      argv: ["sh", "-c", "sleep 30 & echo $! > child.pid"],
      cwd: dir,
      env: {},
      logPath: join(dir, "left.log"),
    });
    // Its start time as /proc says (for the group journal), read by the helper as it started it.
    expect(launched.startTicks).toBeGreaterThan(0);
    expect(launched.startTicks).toBe(readProcess(launched.pid!)?.startTicks ?? launched.startTicks);
    expect(await launched.exited).toMatchObject({ exitCode: 0, groupLeft: true });
    const child = Number(readFileSync(join(dir, "child.pid"), "utf8"));
    process.kill(-launched.pid!, "SIGKILL");
    await waitUntil(() => !isAlive(child), "the child left in the group to end");
  });

  it("adopts what a command left outside its group (a subreaper), says so, and reaps it", async () => {
    spawner = startSpawner(1, "python");
    expect(await spawner.kind()).toBe("python");
    const dir = tempDir();
    const logPath = join(dir, "daemon.log");
    // The daemon leaves the group with setsid; its parent exits at once, so it is re-parented.
    const exit = await (await spawner.launch({ argv: node("spawn-daemon.mjs"), cwd: dir, env: {}, logPath }))
      .exited;
    expect(exit).toMatchObject({ exitCode: 0, groupLeft: false, adopted: true });
    const daemon = Number(/daemon (\d+)/.exec(readFileSync(logPath, "utf8"))![1]);
    expect(readProcess(daemon)?.ppid).toBe(spawner.helperPids[0]);
    process.kill(daemon, "SIGKILL");
    await waitUntil(() => readProcess(daemon) === undefined, "the helper to reap the daemon it adopted");
    const next = await (
      await spawner.launch({ argv: ["true"], cwd: dir, env: {}, logPath: join(dir, "true.log") })
    ).exited;
    expect(next).toMatchObject({ groupLeft: false, adopted: false });
  });
});

describe.each(["python", "node"] as SpawnHelperKind[])(
  "spawn helper %s when Grove is killed outright",
  (kind) => {
    it("ends the commands' process groups and exits", async () => {
      const dir = tempDir();
      const owner = spawn(
        process.execPath,
        [join(FIXTURES, "spawner-owner.mjs"), join(dir, "forever.log"), kind],
        {
          stdio: ["ignore", "pipe", "inherit"],
        },
      );
      const line = await new Promise<string>((resolve) =>
        owner.stdout.once("data", (d) => resolve(String(d))),
      );
      const [commandPid, helperPid, ran] = line.trim().split(" ");
      expect(ran).toBe(kind);
      expect(isAlive(Number(commandPid))).toBe(true);
      owner.kill("SIGKILL");
      await waitUntil(
        () => !isAlive(Number(commandPid)) && !isAlive(Number(helperPid)),
        "the command and the helper to end",
      );
      expect(isAlive(Number(commandPid))).toBe(false);
      expect(isAlive(Number(helperPid))).toBe(false);
    });
  },
);

it("the Python helper also ends what the commands left outside their groups (adopted as a subreaper)", async () => {
  const dir = tempDir();
  const owner = spawn(
    process.execPath,
    [join(FIXTURES, "spawner-owner.mjs"), join(dir, "forever.log"), "python", "daemon"],
    { stdio: ["ignore", "pipe", "inherit"] },
  );
  const line = await new Promise<string>((resolve) => owner.stdout.once("data", (d) => resolve(String(d))));
  const [commandPid, helperPid, ran, daemonPid] = line.trim().split(" ").map(String);
  expect(ran).toBe("python");
  expect(readProcess(Number(daemonPid))?.ppid).toBe(Number(helperPid));
  owner.kill("SIGKILL");
  await waitUntil(
    () => ![commandPid, helperPid, daemonPid].some((pid) => isAlive(Number(pid))),
    "the command, the daemon and the helper to end",
  );
  expect(isAlive(Number(daemonPid))).toBe(false);
});

// Launches that arrive before the fallback is ready wait for it: none forks from Grove itself
// (launchDirect), which is what made a run without Python slower than one with Node helpers chosen.
describe.each([
  ["missing", "/nonexistent/python3"],
  ["exits at once", "/bin/false"],
  ["a directory", "/"],
])("a Python that cannot run the helper (%s)", (_label, python) => {
  it("is replaced by Node helpers, and every command, even the first, starts from them", async () => {
    const saved = process.env.GROVE_PYTHON;
    process.env.GROVE_PYTHON = python;
    try {
      spawner = startSpawner(2, "python");
      const dir = tempDir();
      const codes = Array.from({ length: 12 }, (_, i) => i % 4);
      // All launched in the same tick as the start, before any helper could have answered.
      const exits = await Promise.all(
        codes.map(async (code, i) => {
          const launched = await spawner!.launch({
            argv: ["sh", "-c", `exit ${code}`],
            cwd: dir,
            env: {},
            logPath: join(dir, `${i}.log`),
          });
          return (await launched.exited).exitCode;
        }),
      );
      expect(exits).toEqual(codes);
      expect(await spawner.kind()).toBe("node");
      expect(spawner.counts()).toEqual({ helper: codes.length, direct: 0 });
    } finally {
      if (saved === undefined) delete process.env.GROVE_PYTHON;
      else process.env.GROVE_PYTHON = saved;
    }
  });
});

describe.each([
  ["python", 7, 0],
  ["node", 7, 0],
  ["none", 0, 7],
] as const)("launch counts with helper %s", (kind, helper, direct) => {
  it(`${helper} through helpers, ${direct} forked from Grove`, async () => {
    spawner = startSpawner(2, kind);
    const dir = tempDir();
    await Promise.all(
      Array.from({ length: 7 }, async (_, i) => {
        const launched = await spawner!.launch({
          argv: ["true"],
          cwd: dir,
          env: {},
          logPath: join(dir, `${i}.log`),
        });
        await launched.exited;
      }),
    );
    expect(spawner.counts()).toEqual({ helper, direct });
  });
});

describe.each(["python", "node"] as const)("two %s helpers", (kind) => {
  it("share the commands: each goes to the helper with the fewest running", async () => {
    spawner = startSpawner(2, kind);
    expect(await spawner.kind()).toBe(kind);
    const helpers = spawner.helperPids;
    expect(new Set(helpers).size).toBe(2);
    const dir = tempDir();
    const sleeper = async (i: number) => {
      const launched = await spawner!.launch({
        argv: ["sleep", "30"],
        cwd: dir,
        env: {},
        logPath: join(dir, `${i}.log`),
      });
      return { ...launched, parent: readProcess(launched.pid!)!.ppid };
    };
    const first = await sleeper(1);
    const second = await sleeper(2);
    expect(new Set([first.parent, second.parent])).toEqual(new Set(helpers));
    // The second one's helper is the idle one now (taking turns would pick the first's again).
    process.kill(-second.pid!, "SIGKILL");
    await second.exited;
    const third = await sleeper(3);
    expect(third.parent).toBe(second.parent);
    for (const s of [first, third]) process.kill(-s.pid!, "SIGKILL");
    await Promise.all([first.exited, third.exited]);
  });
});
