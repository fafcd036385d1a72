/**
 * Failures of the environment are not bugs in Grove (issue #12): each gets a message naming the
 * resource and what to do, and exit code 5. Real limits, real ports, the built CLI.
 */
import { execFileSync } from "node:child_process";
import { existsSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { join } from "node:path";
import { execa } from "execa";
import { describe, expect, it } from "vitest";
import { EnvironmentError } from "../../src/errors.js";
import {
  fitWorkersToOpenFiles,
  MIN_OPEN_FILES,
  openFilesLimit,
} from "../../src/resources/open-files-limit.js";
import { makeRepo } from "../helpers/git-repo.js";
import { FIXTURES, GROVE_BIN } from "../helpers/paths.js";
import { reportSchemaErrors } from "../helpers/report-schema.js";
import { runGrove, spawnGrove } from "../helpers/run-grove.js";
import { tempDir } from "../helpers/temp-dir.js";
import { waitForFile } from "../helpers/wait-for-file.js";

async function repoWith300() {
  const { main, base } = await makeRepo({
    "scenarios.json": JSON.stringify({
      scenarios: Array.from({ length: 300 }, (_, i) => ({
        name: `s${i}`,
        worktree: `w${i % 3}`,
        run: ["true"],
      })),
    }),
  });
  return { main, base };
}

/** Whether this machine lets an unprivileged user and mount namespace mount a tmpfs. */
function canMountTmpfs(): boolean {
  try {
    execFileSync("unshare", ["-rm", "sh", "-c", 'mount -t tmpfs -o size=16k tmpfs "$1"', "sh", tempDir()], {
      stdio: "ignore",
    });
    return true;
  } catch {
    return false;
  }
}

/** The built CLI under `ulimit -n LIMIT` (a real limit, set by the shell for the child only). */
function groveUnderUlimit(limit: number, args: string[], cwd: string) {
  return execa("sh", ["-c", `ulimit -n ${limit} && exec "$0" "$@"`, process.execPath, GROVE_BIN, ...args], {
    cwd,
    reject: false,
    stdin: "ignore",
    env: { NO_COLOR: "1" },
  });
}

describe("failures of the environment (built CLI)", () => {
  it("reads the soft open-files limit", () => {
    expect(
      openFilesLimit(
        "Limit Soft Hard Units\nMax open files            64                   1048576              files\n",
      ),
    ).toBe(64);
    expect(openFilesLimit("Max open files  unlimited unlimited files\n")).toBeUndefined();
    expect(typeof openFilesLimit()).toBe("number");
  });

  it("fits the workers to the open-files limit, or refuses a limit too low for any run", () => {
    expect(fitWorkersToOpenFiles(4, undefined)).toEqual({ workers: 4 });
    expect(fitWorkersToOpenFiles(4, 1024)).toEqual({ workers: 4 });
    expect(fitWorkersToOpenFiles(8, MIN_OPEN_FILES + 8)).toEqual({
      workers: 2,
      warning: expect.stringMatching(/ulimit -n 104 leaves room for 2 worker/),
    });
    expect(() => fitWorkersToOpenFiles(1, 64)).toThrow(EnvironmentError);
  });

  it("ulimit -n 64 with 300 scenarios: exit 5 before anything runs, naming the limit and the fix", async () => {
    const { main, base } = await repoWith300();
    const r = await groveUnderUlimit(64, ["run", "--setup-worktrees"], main);
    expect(String(r.stderr)).toMatch(
      /this process may open only 64 files \(ulimit -n 64\).*raise the limit, e\.g\. ulimit -n 1024/,
    );
    expect(r.exitCode).toBe(5);
    expect(String(r.stderr)).not.toMatch(/this is a bug in Grove|\n\s+at /);
    expect(existsSync(base)).toBe(false);
  });

  it("ulimit -n 104 with --workers 8: runs all 300 on fewer workers, with a warning", async () => {
    const { main } = await repoWith300();
    const r = await groveUnderUlimit(104, ["run", "--setup-worktrees", "--workers", "8"], main);
    expect(String(r.stderr)).toMatch(/ulimit -n 104 leaves room for 2 worker\(s\), not 8/);
    expect(r.exitCode, String(r.stderr)).toBe(0);
    expect(String(r.stdout)).toMatch(/300 passed/);
  });

  it("EMFILE mid-run: the run stops, the report of what ran is written with the error, exit 5", async () => {
    const { main, root } = await makeRepo();
    const reached = join(root, "reached");
    const release = join(root, "release");
    writeFileSync(
      join(main, "scenarios.json"),
      JSON.stringify({
        scenarios: [
          {
            name: "first",
            worktree: "w",
            run: [process.execPath, join(FIXTURES, "gate.mjs"), reached, release],
          },
          { name: "second", worktree: "w", run: ["true"], dependencies: ["first"] },
          { name: "third", worktree: "w", run: ["true"], dependencies: ["second"] },
        ],
      }),
    );
    const child = spawnGrove(["run", "--setup-worktrees"], main);
    await waitForFile(reached);
    // Grove may open one more file (a log, the report), but not the two a fork takes.
    const open = readdirSync(`/proc/${child.pid}/fd`).length;
    await execa("prlimit", [`--pid=${child.pid}`, `--nofile=${open + 1}`]);
    writeFileSync(release, "");
    const r = await child;
    expect(String(r.stderr)).not.toMatch(/this is a bug in Grove|\n\s+at /);
    expect(r.exitCode, String(r.stdout) + String(r.stderr)).toBe(5);
    expect(String(r.stderr)).toMatch(/too many open files for this process \(ulimit -n\).*\(EMFILE\)/);
    const report = JSON.parse(readFileSync(join(main, "integration_report.json"), "utf8"));
    expect(reportSchemaErrors(report)).toEqual([]);
    expect(report.grove.exit_code).toBe(5);
    expect(report.grove.environment_error).toMatchObject({ code: "EMFILE" });
    const status = Object.fromEntries(
      report.scenarios.map((x: { name: string; status: string }) => [x.name, x.status]),
    );
    // Where it fails depends on what Grove opens next (a module it loads late, a log, a fork): the
    // scenario it failed in is errored, and nothing after it passed.
    expect(["passed", "errored"]).toContain(status.first);
    expect(["errored", "skipped", "cancelled"]).toContain(status.second);
    expect(["skipped", "cancelled"]).toContain(status.third);
    expect(Object.values(status)).toContain("errored");
    expect(String(r.stdout)).toContain("Environment failure: ");
  });

  // A real full disk needs a small file system: a tmpfs mounted in a user and mount namespace of its own
  // (`unshare -rm`), which needs no root but is refused where user namespaces are (some containers).
  it.skipIf(!canMountTmpfs())(
    "a real full disk (a 64 KiB tmpfs): exit 5 naming the report, its old content intact, the summary printed",
    async () => {
      const { main } = await makeRepo({
        "scenarios.json": JSON.stringify({ scenarios: [{ name: "a", worktree: "w", run: ["true"] }] }),
      });
      const disk = tempDir();
      const script = [
        'mount -t tmpfs -o size=64k tmpfs "$1"',
        'echo \'{"old": true}\' > "$1/report.json"',
        'dd if=/dev/zero of="$1/fill" bs=4k 2>/dev/null',
        '"$2" "$3" run --setup-worktrees --report "$1/report.json"',
        'echo "exit $?"',
        'cat "$1/report.json"',
      ].join("\n");
      const r = await execa("unshare", ["-rm", "sh", "-c", script, "sh", disk, process.execPath, GROVE_BIN], {
        cwd: main,
        reject: false,
        stdin: "ignore",
        env: { NO_COLOR: "1" },
      });
      const out = String(r.stdout);
      expect(out, String(r.stderr)).toContain("exit 5");
      expect(String(r.stderr)).toContain(
        `grove: writing ${join(disk, "report.json")} (its previous content is intact): no space left on the device`,
      );
      expect(String(r.stderr)).not.toMatch(/this is a bug in Grove|\n\s+at /);
      expect(out).toMatch(/1 scenario\(s\) in [\d.]+s: 1 passed/);
      expect(out).toContain(`Not written: writing ${join(disk, "report.json")}`);
      expect(out).not.toContain(`Report: ${join(disk, "report.json")}`);
      expect(out.trimEnd().endsWith('{"old": true}')).toBe(true);
    },
  );

  it("grove inspect --port on a port in use: exit 5 naming the port", async () => {
    const { main } = await makeRepo({
      "scenarios.json": JSON.stringify({ scenarios: [{ name: "a", worktree: "w", run: ["true"] }] }),
    });
    expect((await runGrove(["run", "--setup-worktrees"], main)).exitCode).toBe(0);
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const port = (server.address() as { port: number }).port;
    try {
      const r = await runGrove(["inspect", "--port", String(port)], main);
      expect(r.stderr).toMatch(
        new RegExp(`port ${port} on 127.0.0.1: the port is in use; choose another one`),
      );
      expect(r.exitCode).toBe(5);
    } finally {
      server.close();
    }
  });
});

describe("an incomplete recording", () => {
  it("grove inspect on a run dir without machines.json: exit 2 naming the missing file", async () => {
    const { main } = await makeRepo();
    const dir = `${main}/.grove/runs/r1`;
    const { mkdirSync, writeFileSync } = await import("node:fs");
    mkdirSync(dir, { recursive: true });
    writeFileSync(`${dir}/events.ndjson`, "");
    const r = await runGrove(["inspect"], main);
    expect(r.stderr).toMatch(/r1 is not a complete recording \(.*machines\.json is missing\)/);
    expect(r.exitCode).toBe(2);
  });
  it.each([
    [
      "from a newer Grove",
      '{"recording":"grove","version":99,"t0":0}',
      /events\.ndjson:1:1: the recording is version 99; this Grove reads versions 1 to 2\n\s+fix: replay it with the Grove that recorded it/,
    ],
    [
      "with a damaged header",
      '{"recording":"grove","version":2}',
      /events\.ndjson:1:1: the header is damaged: expected \{"recording":"grove","version":<1 to 2>,"t0":<epoch ms>\}, found \{"recording":"grove","version":2\}\n\s+fix: .*record the run again with grove run/,
    ],
  ])(
    "grove inspect on a recording %s: exit 2 naming the file, what was expected and the fix",
    async (_, header, message) => {
      const { main } = await makeRepo();
      const dir = `${main}/.grove/runs/r1`;
      const { mkdirSync, writeFileSync } = await import("node:fs");
      mkdirSync(dir, { recursive: true });
      writeFileSync(`${dir}/machines.json`, "{}");
      writeFileSync(`${dir}/events.ndjson`, `${header}\n`);
      const r = await runGrove(["inspect"], main);
      expect(r.stderr).toContain(`grove: ${dir}/events.ndjson:1:1: `);
      expect(r.stderr).toMatch(message);
      expect(r.stderr).not.toMatch(/this is a bug in Grove|\n\s+at /);
      expect(r.exitCode).toBe(2);
    },
  );
});
