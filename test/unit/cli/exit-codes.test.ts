/** Exit codes for errors (issue #12): 3 only for bugs; a failing environment is 5, naming what failed. */
import { describe, expect, it } from "vitest";
import { exitCodeForError } from "../../../src/cli/exit-codes.js";
import {
  ConfigError,
  EnvironmentError,
  environmentErrorFrom,
  InternalError,
  UsageError,
} from "../../../src/errors.js";
import type { ScenarioResult } from "../../../src/events.js";
import { mergedRunExitCode } from "../../../src/exit-codes.js";
import { GitCommandError } from "../../../src/steps/git.js";

const sysError = (code: string, extra: object = {}) =>
  Object.assign(new Error(`${code}: x`), { code, ...extra });

describe("exit codes for errors", () => {
  it("maps each error class to its code", () => {
    expect(exitCodeForError(new ConfigError([{ location: { file: "f" }, message: "m" }]))).toBe(2);
    expect(exitCodeForError(new UsageError("u"))).toBe(2);
    expect(exitCodeForError(new InternalError("i"))).toBe(3);
    expect(exitCodeForError(new TypeError("a bug"))).toBe(3);
    expect(exitCodeForError(new EnvironmentError("E_ENV_X", "e"))).toBe(5);
    expect(
      exitCodeForError(
        new GitCommandError("creating worktree w", ["worktree", "add"], {
          exitCode: 128,
          stdout: "",
          stderr: "fatal: x",
        }),
      ),
    ).toBe(5);
  });

  it("turns system errors of the environment into exit 5 with the file or port and what to do", () => {
    for (const [error, says] of [
      [
        sysError("ENOSPC", { path: "/r/.report.json.1.tmp" }),
        /^writing \/r\/report\.json \(its previous content is intact\): no space left on the device; free some space/,
      ],
      [sysError("EMFILE", { path: "/x" }), /too many open files .*ulimit -n/],
      [
        sysError("EADDRINUSE", { port: 8123, address: "127.0.0.1" }),
        /port 8123 on 127\.0\.0\.1: the port is in use/,
      ],
    ] as const) {
      const env = environmentErrorFrom(
        error,
        error.code === "ENOSPC" ? "writing /r/report.json (its previous content is intact)" : undefined,
      );
      expect(env?.message).toMatch(says);
      expect(env?.message).toContain(`(${error.code})`);
      expect(exitCodeForError(error)).toBe(5);
    }
    expect(environmentErrorFrom(sysError("ENOENT"))).toBeUndefined();
    expect(exitCodeForError(sysError("ENOENT"))).toBe(3);
  });

  it("a failing git command names the command, where, git's words and what to do", () => {
    const e = new GitCommandError(
      "creating worktree w",
      ["worktree", "add", "--end-of-options", "/b/w"],
      { exitCode: 128, stdout: "", stderr: "fatal: invalid reference" },
      "/repo",
    );
    expect(e.message).toMatch(
      /^creating worktree w failed: git worktree add --end-of-options \/b\/w \(in \/repo\): fatal: invalid reference\n {2}fix: run that git command yourself/,
    );
    expect(e).toBeInstanceOf(EnvironmentError);
  });
});

describe("a merged run's exit code (grove merge-reports)", () => {
  const result = (status: "passed" | "failed") => ({ status }) as ScenarioResult;
  const shard = (exitCode: number, over: { interrupted?: boolean; environmentFailed?: boolean } = {}) => ({
    exitCode,
    interrupted: false,
    environmentFailed: false,
    ...over,
  });

  it("is what the unsharded run would have exited with", () => {
    expect(mergedRunExitCode([result("passed")], [shard(0), shard(0)])).toBe(0);
    expect(mergedRunExitCode([result("passed"), result("failed")], [shard(0), shard(1)])).toBe(1);
    // Every scenario passed, and a shard failed on its leaks (--fail-on-leak): the whole fails.
    expect(mergedRunExitCode([result("passed")], [shard(0), shard(1)])).toBe(1);
    // A shard the environment stopped: 5, as the whole run would have; an interrupt wins over it.
    expect(mergedRunExitCode([result("failed")], [shard(5, { environmentFailed: true }), shard(1)])).toBe(5);
    expect(
      mergedRunExitCode(
        [result("passed")],
        [shard(5, { environmentFailed: true }), shard(130, { interrupted: true })],
      ),
    ).toBe(130);
  });
});
