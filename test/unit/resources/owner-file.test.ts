import { spawn } from "node:child_process";
import { existsSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { execa } from "execa";
import { describe, expect, it } from "vitest";
import {
  ownerOf,
  readOwner,
  releaseClaim,
  tryClaim,
  waitForClaim,
} from "../../../src/resources/owner-file.js";
import { readProcess } from "../../../src/resources/process-table.js";
import { FIXTURES, REPO_ROOT } from "../../helpers/paths.js";
import { tempDir } from "../../helpers/temp-dir.js";

async function deadPid(): Promise<number> {
  const child = spawn("true");
  await new Promise((r) => child.once("exit", r));
  return child.pid!;
}

describe("owner files (leases, the repository lock)", () => {
  it("is held by a live owner, and only its owner releases it", () => {
    const path = join(tempDir(), "x.json");
    const parent = ownerOf("parent-run", process.ppid);
    expect(tryClaim(path, parent)).toEqual({ kind: "acquired" });
    const me = ownerOf("my-run");
    expect(tryClaim(path, me)).toMatchObject({
      kind: "held",
      by: { run_id: "parent-run", pid: process.ppid },
    });
    releaseClaim(path, me);
    expect(readOwner(path)).toMatchObject({ run_id: "parent-run" });
    releaseClaim(path, parent);
    expect(existsSync(path)).toBe(false);
  });

  it("takes over a dead owner's claim and a reused pid's (same pid, other start time), saying whose", async () => {
    const path = join(tempDir(), "x.json");
    const dead = await deadPid();
    writeFileSync(path, JSON.stringify({ run_id: "gone", pid: dead, started_at: "" }));
    expect(tryClaim(path, ownerOf("a"))).toMatchObject({
      kind: "acquired",
      tookOverFrom: { run_id: "gone", pid: dead },
    });
    const realTicks = readProcess(process.ppid)!.startTicks;
    writeFileSync(
      path,
      JSON.stringify({ run_id: "reused", pid: process.ppid, start_ticks: realTicks + 1, started_at: "" }),
    );
    expect(tryClaim(path, ownerOf("b"))).toMatchObject({
      kind: "acquired",
      tookOverFrom: { run_id: "reused" },
    });
    // What older Groves wrote: a bare pid.
    writeFileSync(path, String(process.ppid));
    expect(tryClaim(path, ownerOf("c"))).toMatchObject({ kind: "held", by: { pid: process.ppid } });
    writeFileSync(path, String(dead));
    expect(tryClaim(path, ownerOf("d"))).toMatchObject({ kind: "acquired" });
  });

  it("waits while held, telling who holds it, and claims it once released; an abort stops the wait", async () => {
    const path = join(tempDir(), "x.json");
    const holder = ownerOf("holder", process.ppid);
    tryClaim(path, holder);
    const seen: string[] = [];
    const claim = await waitForClaim(path, ownerOf("waiter"), {
      onHeld: (by) => {
        seen.push(by.run_id);
        releaseClaim(path, holder);
      },
    });
    expect(claim.kind).toBe("acquired");
    expect(seen).toEqual(["holder"]);
    expect(readOwner(path)?.run_id).toBe("waiter");
    const aborted = new AbortController();
    const stopped = await waitForClaim(path, ownerOf("late", process.ppid), {
      signal: aborted.signal,
      onHeld: () => aborted.abort(),
    });
    expect(stopped).toMatchObject({ kind: "held", by: { run_id: "waiter" } });
  });

  it("of processes racing to take over a dead owner's claim, exactly one wins", async () => {
    const dir = tempDir();
    const path = join(dir, "x.json");
    const release = join(dir, "release");
    writeFileSync(path, JSON.stringify({ run_id: "gone", pid: await deadPid(), started_at: "" }));
    const racers = Array.from({ length: 6 }, () =>
      execa(
        process.execPath,
        [join(FIXTURES, "claim-owner-file.mjs"), join(REPO_ROOT, "dist"), path, release],
        {
          reject: false,
        },
      ),
    );
    const answers = await Promise.all(
      racers.map(
        (r) =>
          new Promise<string>((resolve) => {
            let out = "";
            r.stdout!.on("data", (d: Buffer) => {
              out += d.toString();
              if (out.includes("\n")) resolve(out.trim());
            });
          }),
      ),
    );
    writeFileSync(release, "");
    await Promise.all(racers);
    expect(answers.filter((a) => a === "acquired")).toHaveLength(1);
    expect(answers.filter((a) => a === "held")).toHaveLength(5);
  });
});
