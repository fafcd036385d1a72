/**
 * Failures of the environment are not bugs in Grove (issue #12): each gets a message naming the
 * resource and what to do, and exit code 5. Real limits, real ports, the built CLI.
 */
import { existsSync } from "node:fs";
import { createServer } from "node:net";
import { execa } from "execa";
import { describe, expect, it } from "vitest";
import { EnvironmentError } from "../../src/errors.js";
import {
  fitWorkersToOpenFiles,
  MIN_OPEN_FILES,
  openFilesLimit,
} from "../../src/resources/open-files-limit.js";
import { makeRepo } from "../helpers/git-repo.js";
import { GROVE_BIN } from "../helpers/paths.js";
import { runGrove } from "../helpers/run-grove.js";

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
});
