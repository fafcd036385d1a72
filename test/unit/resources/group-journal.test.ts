import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { GROUP_JOURNAL, GroupJournal } from "../../../src/resources/group-journal.js";
import { readProcess } from "../../../src/resources/process-table.js";
import { tempDir } from "../../helpers/temp-dir.js";

const started: number[] = [];
afterEach(() => {
  for (const pid of started.splice(0)) {
    try {
      process.kill(-pid, "SIGKILL");
    } catch {}
  }
});

const lines = (dir: string) =>
  readFileSync(join(dir, GROUP_JOURNAL), "utf8")
    .split("\n")
    .filter(Boolean)
    .map((l) => JSON.parse(l));

describe("the group journal (real processes)", () => {
  it("records each group with its leader's start time: told by the launcher, else read from /proc, else null", () => {
    const dir = tempDir();
    const journal = new GroupJournal(dir);
    const leader = spawn("sleep", ["30"], { detached: true, stdio: "ignore" });
    started.push(leader.pid!);
    journal.started(leader.pid!);
    journal.started(424242, 777);
    journal.started(424243);
    journal.ended(424243);
    journal.close();
    expect(lines(dir)).toEqual([
      { pgid: leader.pid, start_ticks: readProcess(leader.pid!)!.startTicks },
      { pgid: 424242, start_ticks: 777 },
      { pgid: 424243, start_ticks: null },
    ]);
    expect([...journal.live].sort()).toEqual([leader.pid, 424242].sort());
  });

  it("forgets what the launcher told once written: a later batch reads /proc again", () => {
    const dir = tempDir();
    const journal = new GroupJournal(dir);
    journal.started(424244, 5);
    journal.flush();
    journal.started(424244);
    journal.ended(424244);
    journal.close();
    expect(lines(dir)).toEqual([
      { pgid: 424244, start_ticks: 5 },
      { pgid: 424244, start_ticks: null },
    ]);
  });
});
