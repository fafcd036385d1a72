/**
 * A run's session (resources/run-session.ts) is torn down the same way however the run ends: the
 * registry entry removed, the journal's groups written, the temp dir removed. Real processes in their
 * own process groups, real files; the interrupt is a real SIGKILL to the group.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { once } from "node:events";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { GROUP_JOURNAL } from "../../src/resources/group-journal.js";
import { listRuns } from "../../src/resources/run-registry.js";
import { type RunSession, type RunSessionOptions, withRunSession } from "../../src/resources/run-session.js";
import { FIXTURES } from "../helpers/paths.js";
import { tempDir } from "../helpers/temp-dir.js";

function sessionIn(dir: string, extra: Partial<RunSessionOptions> = {}): RunSessionOptions {
  return {
    commonDir: join(dir, "git-common"),
    runId: "20260101-000000-abcdef",
    runDir: join(dir, "runs", "20260101-000000-abcdef"),
    keepLeaks: false,
    killGraceMs: 1000,
    ...extra,
  };
}

/** A real process leading its own group (like every command Grove starts), journalled by the session. */
async function startGroup(session: RunSession): Promise<ChildProcess> {
  const child = spawn(process.execPath, [join(FIXTURES, "forever.mjs")], {
    detached: true,
    stdio: ["ignore", "pipe", "ignore"],
  });
  await once(child.stdout!, "data");
  session.groups.started(child.pid!);
  return child;
}

/** What a closed session must have left: no registry entry, the group on disk, no temp dir. */
function expectTornDown(options: RunSessionOptions, seen: { tempDir: string; pgid: number }) {
  expect(listRuns(options.commonDir)).toEqual([]);
  const journal = readFileSync(join(options.runDir, GROUP_JOURNAL), "utf8").trim().split("\n");
  expect(journal.map((line) => (JSON.parse(line) as { pgid: number }).pgid)).toEqual([seen.pgid]);
  expect(existsSync(seen.tempDir)).toBe(false);
}

describe("run session teardown", () => {
  it("on success: returns the body's value, then unregisters, writes the journal, removes the temp dir", async () => {
    const options = sessionIn(tempDir());
    let seen = { tempDir: "", pgid: 0 };
    const value = await withRunSession(options, async (session) => {
      expect(listRuns(options.commonDir).map((r) => r.run_id)).toEqual([options.runId]);
      const child = await startGroup(session);
      seen = { tempDir: session.tracker.tempDir, pgid: child.pid! };
      expect(existsSync(seen.tempDir)).toBe(true);
      const exited = once(child, "exit");
      child.kill("SIGTERM");
      await exited;
      session.groups.ended(child.pid!);
      return "done";
    });
    expect(value).toBe("done");
    expectTornDown(options, seen);
  });

  it("on failure: the body's error comes out and the teardown still runs", async () => {
    const options = sessionIn(tempDir());
    let seen = { tempDir: "", pgid: 0 };
    let child: ChildProcess | undefined;
    const failed = withRunSession(options, async (session) => {
      child = await startGroup(session);
      seen = { tempDir: session.tracker.tempDir, pgid: child.pid! };
      throw new Error("the worktrees could not be started");
    });
    await expect(failed).rejects.toThrow("the worktrees could not be started");
    expectTornDown(options, seen);
    const exited = once(child!, "exit");
    child!.kill("SIGKILL");
    await exited;
  });

  it("on interrupt: the hard stop kills the live groups, and the teardown runs once the body ends", async () => {
    const stop = new AbortController();
    const options = sessionIn(tempDir(), { hardStop: stop.signal });
    let seen = { tempDir: "", pgid: 0 };
    const signal = await withRunSession(options, async (session) => {
      const child = await startGroup(session);
      seen = { tempDir: session.tracker.tempDir, pgid: child.pid! };
      const exited = once(child, "exit");
      stop.abort();
      const [, killedBy] = (await exited) as [number | null, NodeJS.Signals | null];
      return killedBy;
    });
    expect(signal).toBe("SIGKILL");
    expectTornDown(options, seen);
  });

  it("close is its one teardown, safe twice: a run may close early, and the end closes nothing again", async () => {
    const options = sessionIn(tempDir());
    let registeredAfterEarlyClose: unknown[] = [];
    await withRunSession(options, async (session) => {
      session.close();
      registeredAfterEarlyClose = listRuns(options.commonDir);
      expect(existsSync(session.tracker.tempDir)).toBe(false);
    });
    expect(registeredAfterEarlyClose).toEqual([]);
    expect(listRuns(options.commonDir)).toEqual([]);
  });
});
