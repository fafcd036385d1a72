/**
 * The process groups a run has started, live in memory (for the second Ctrl-C's SIGKILL) and on disk in
 * the run directory (`process-groups.ndjson`, append-only), so that when Grove itself is killed the next
 * run can find and end what it left (resources/dead-runs.ts). Lines are written in batches at most
 * FLUSH_MS apart, like the recorder's: a group started in the last few milliseconds before a kill -9 is
 * still found by its GROVE_RUN_ID tag. Each line holds the group id and its leader's start time, so a
 * group id the kernel has since handed to an unrelated process is not mistaken for the run's.
 *
 * Not responsible for: ending groups on a deadline (exec-command), finding leaks (leak-tracker).
 */
import { appendFileSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import { readProcess } from "./process-table.js";

/** One line of process-groups.ndjson. */
export interface GroupRecord {
  pgid: number;
  /** The leader's start time (clock ticks after boot); null when it had already exited. */
  start_ticks: number | null;
}

export const GROUP_JOURNAL = "process-groups.ndjson";
const FLUSH_MS = 50;

export class GroupJournal {
  /** Groups started and not yet seen to end. */
  readonly live = new Set<number>();
  private pending: number[] = [];
  /** Pending groups whose leader has already exited: nothing to read in /proc for them. */
  private readonly endedPending = new Set<number>();
  /** Pending groups whose leader's start time the launcher told (the Python spawn helper reads it). */
  private readonly knownTicks = new Map<number, number>();
  private timer: NodeJS.Timeout | undefined;
  private readonly path: string | undefined;

  /** Without a run directory the groups are only tracked in memory. */
  constructor(runDir?: string) {
    if (runDir === undefined) return;
    mkdirSync(runDir, { recursive: true });
    this.path = join(runDir, GROUP_JOURNAL);
    appendFileSync(this.path, "");
  }

  /** A group started (its leader's pid, and its start time when the launcher read it). */
  readonly started = (pgid: number, startTicks?: number): void => {
    this.live.add(pgid);
    if (!this.path) return;
    this.pending.push(pgid);
    if (startTicks !== undefined) this.knownTicks.set(pgid, startTicks);
    this.timer ??= setTimeout(() => this.flush(), FLUSH_MS);
  };

  /** The group's leader has exited. */
  readonly ended = (pgid: number): void => {
    this.live.delete(pgid);
    if (this.timer) this.endedPending.add(pgid);
  };

  /** Writes what is waiting (one synchronous append). */
  flush(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    if (!this.path || this.pending.length === 0) return;
    const lines = this.pending.map((pgid) => {
      const known = this.knownTicks.get(pgid);
      if (known !== undefined) return JSON.stringify({ pgid, start_ticks: known } satisfies GroupRecord);
      // A leader that has exited (most commands end within the batch) has no start time to read.
      const leader = this.endedPending.has(pgid) ? undefined : readProcess(pgid);
      const record: GroupRecord = {
        pgid,
        start_ticks: leader && leader.pgid === pgid ? leader.startTicks : null,
      };
      return JSON.stringify(record);
    });
    this.pending = [];
    this.endedPending.clear();
    this.knownTicks.clear();
    appendFileSync(this.path, `${lines.join("\n")}\n`);
  }

  /** Second Ctrl-C: SIGKILL to every live group at once. */
  killAllNow(): void {
    for (const pgid of this.live) {
      try {
        process.kill(-pgid, "SIGKILL");
      } catch {}
    }
  }

  close(): void {
    this.flush();
  }
}
