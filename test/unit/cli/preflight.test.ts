/**
 * Output paths refused before a run starts, where writing them at the end would fail or hang: a path
 * through a symbolic link to something missing (the run used to go through and end in "internal error"
 * at the report's mkdir, exit 3), and a path on procfs or sysfs, where Node's recursive mkdir retries
 * forever as root (the run hung at 100% CPU at its end, deaf to Ctrl-C).
 */
import { existsSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { checkOutputDirectory, checkOutputFile } from "../../../src/cli/preflight.js";
import { UsageError } from "../../../src/errors.js";

let dir: string;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "grove-preflight-"));
  symlinkSync(join(dir, "missing-target"), join(dir, "dangling"));
  symlinkSync(join(dir, "loop-b"), join(dir, "loop-a"));
  symlinkSync(join(dir, "loop-a"), join(dir, "loop-b"));
  mkdirSync(join(dir, "real"));
  symlinkSync(join(dir, "real"), join(dir, "to-real"));
  writeFileSync(join(dir, "a-file"), "");
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function refusal(check: () => void): string {
  try {
    check();
  } catch (error) {
    expect(error).toBeInstanceOf(UsageError);
    return (error as Error).message;
  }
  throw new Error("expected the path to be refused");
}

describe("checkOutputFile", () => {
  it("refuses a path through a symbolic link to something missing, naming the link", () => {
    const link = join(dir, "dangling");
    expect(refusal(() => checkOutputFile(join(link, "r.json"), "--report"))).toBe(
      `--report ${join(link, "r.json")}: ${link} is a symbolic link to something missing, so no directory can be made there; create its target or choose another place`,
    );
    expect(refusal(() => checkOutputFile(join(link, "sub", "j.xml"), "--junit"))).toMatch(
      /^--junit .*: .*dangling is a symbolic link to something missing/,
    );
    expect(refusal(() => checkOutputDirectory(join(dir, "loop-a", "runs"), "--run-dir"))).toMatch(
      /^--run-dir .*: .*loop-a is a symbolic link to something missing/,
    );
  });

  it("accepts a path through a symbolic link to a directory, and a new directory under a real one", () => {
    expect(() => checkOutputFile(join(dir, "to-real", "r.json"), "--report")).not.toThrow();
    expect(() => checkOutputFile(join(dir, "real", "new", "deeper", "r.json"), "--report")).not.toThrow();
    expect(() => checkOutputDirectory(join(dir, "to-real", "runs"), "--run-dir")).not.toThrow();
    expect(existsSync(join(dir, "real", "new"))).toBe(false);
  });

  it("still refuses a path under a file", () => {
    expect(refusal(() => checkOutputFile(join(dir, "a-file", "r.json"), "--report"))).toMatch(
      /a-file is a file, so no directory can be made there/,
    );
  });

  it.runIf(existsSync("/proc/self"))("refuses a path on procfs or sysfs, whoever runs it", () => {
    expect(refusal(() => checkOutputFile("/proc/grove-no-such/r.json", "--report"))).toBe(
      "--report /proc/grove-no-such/r.json: /proc is on a proc file system, where no file or directory can be made; choose another place",
    );
    expect(refusal(() => checkOutputFile("/proc/r.json", "--report"))).toMatch(
      /\/proc is on a proc file system/,
    );
    if (existsSync("/sys/kernel"))
      expect(refusal(() => checkOutputDirectory("/sys/kernel/grove-runs", "--run-dir"))).toMatch(
        /\/sys\/kernel is on a sysfs file system/,
      );
  });
});
