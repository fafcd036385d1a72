/**
 * Tracks what a run creates that could outlive its owner: processes an attempt left running, the run's
 * temp dir, worktrees a --cleanup run should have removed. Each leak is reported with proof (pid,
 * command, scenario, attempt, age, listening ports) and, unless told to keep them, ended.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import type { ResourceLeak, WorktreeReport } from "../events.js";
import { withoutStackTrace } from "../util/expected-failure.js";
import { listeningPorts } from "./listening-ports.js";
import {
  ageSeconds,
  bootTicksNow,
  bootTimeMs,
  findSurvivors,
  findTagged,
  lastPid,
  type ProcessRecord,
  ticksAfterBoot,
} from "./process-scan.js";
import { isAlive } from "./process-table.js";

export interface LeakTrackerOptions {
  runId: string;
  /** Report leaked processes but leave them running (--keep-leaks). */
  keepLeaks: boolean;
  killGraceMs: number;
  onLeak?(leak: ResourceLeak): void;
}

export interface AttemptEnd {
  scenario: string;
  attempt: number;
  pgid?: number;
  /** Whether a process was still in the group when the command was reaped, if the spawner saw it. */
  groupLeft?: boolean;
  /**
   * The spawner saw that nothing the command started was alive anywhere as it was reaped (its group
   * empty, nothing re-parented to the subreaping helper): this command needs no escape check.
   */
  nothingLeft?: boolean;
  sinceTicks: number;
  durationMs: number;
}

/** How often processes that escaped their group are looked for while commands end. */
const ESCAPE_SCAN_MS = 100;
/** An attempt this recent cannot have seen the pid counter wrap all the way round (as for survivors). */
const WRAP_SAFE_MS = 2000;

function attemptKey(scenario: string, attempt: number): string {
  return `${attempt}\0${scenario}`;
}

/** The command that started first. */
function earlier(a: { pid: number; at: number }, b: { pid: number; at: number }) {
  return a.at < b.at ? a : b;
}

/**
 * A process that escaped an attempt's group was forked, directly or not, by one of its commands, so
 * its pid is above that attempt's first pid unless the kernel's pid counter wrapped since. When every
 * attempt of the scan knows its first pid and started less than WRAP_SAFE_MS ago (too little time to
 * wrap all the way round), and the last pid handed out is above all of them (no wrap since any), only
 * pids from the lowest of them up are read: a few dozen instead of every process on the machine.
 */
function escapeScanFloor(firstPids: readonly ({ pid: number; at: number } | undefined)[]): number {
  const now = Date.now();
  const pids: number[] = [];
  for (const p of firstPids) {
    if (p === undefined || now - p.at > WRAP_SAFE_MS) return 0;
    pids.push(p.pid);
  }
  const last = lastPid();
  return last !== undefined && last >= Math.max(...pids) ? Math.min(...pids) : 0;
}

/** Whether any process (zombies included) is still in the group: one signal-0, no scan. */
function groupExists(pgid: number): boolean {
  try {
    withoutStackTrace(() => process.kill(-pgid, 0));
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code !== "ESRCH";
  }
}

function signal(pid: number, sig: NodeJS.Signals): void {
  try {
    process.kill(pid, sig);
  } catch {}
}

export class LeakTracker {
  readonly leaks: ResourceLeak[] = [];
  readonly tempDir: string;
  private readonly bootMs: number;
  /** Commands running per attempt. */
  private readonly running = new Map<string, number>();
  /**
   * Attempts whose ended commands still need the escape check, with the earliest start, and the pid
   * of the attempt's first command and when it started (epoch ms; unset when a command had no pid).
   */
  private readonly awaitingEscapeCheck = new Map<
    string,
    { scenario: string; attempt: number; sinceTicks: number; firstPid?: { pid: number; at: number } }
  >();
  private escapeScanTimer: NodeJS.Timeout | undefined;
  private readonly scans = new Set<Promise<void>>();
  private readonly reported = new Set<string>();
  private finished = false;

  constructor(private readonly options: LeakTrackerOptions) {
    this.tempDir = mkdtempSync(join(tmpdir(), `grove-${options.runId}-`));
    this.bootMs = bootTimeMs();
  }

  private record(leak: ResourceLeak): void {
    this.leaks.push(leak);
    this.options.onLeak?.(leak);
  }

  /** A wall-clock time as clock ticks after boot (the unit of /proc/<pid>/stat start times). */
  ticksAt(date: Date): number {
    return ticksAfterBoot(date.getTime(), this.bootMs);
  }

  /** A command of the attempt is starting (its tagged processes are not leaks while it runs). */
  commandStarted(scenario: string, attempt: number): void {
    const key = attemptKey(scenario, attempt);
    this.running.set(key, (this.running.get(key) ?? 0) + 1);
  }

  /**
   * A command of the attempt ended: looks for what it left behind. Members of its process group are
   * looked for at once (one kill(0) to the group, made by the spawn helper as it reaped the command
   * when there is one; a full scan only when something is left). Processes
   * that escaped the group (setsid, double fork) carry the run's tags in their environment; finding them
   * takes a /proc scan, so those checks are batched: at most one scan per ESCAPE_SCAN_MS, and a last
   * one in flush() before the report.
   */
  async sweepAttempt(end: AttemptEnd): Promise<void> {
    const key = attemptKey(end.scenario, end.attempt);
    const left = (this.running.get(key) ?? 1) - 1;
    if (left > 0) this.running.set(key, left);
    else this.running.delete(key);
    if (end.nothingLeft) return;
    const checked = this.awaitingEscapeCheck.get(key);
    const started = end.pgid !== undefined ? { pid: end.pgid, at: Date.now() - end.durationMs } : undefined;
    const firstPid =
      checked === undefined ? started : started && checked.firstPid && earlier(started, checked.firstPid);
    this.awaitingEscapeCheck.set(key, {
      scenario: end.scenario,
      attempt: end.attempt,
      sinceTicks: Math.min(end.sinceTicks, checked?.sinceTicks ?? end.sinceTicks),
      ...(firstPid ? { firstPid } : {}),
    });
    this.escapeScanTimer ??= setTimeout(() => void this.scanForEscapes(), ESCAPE_SCAN_MS);
    if (end.pgid !== undefined && !(end.groupLeft ?? groupExists(end.pgid))) return;
    const query = {
      runId: this.options.runId,
      scenario: end.scenario,
      sinceTicks: end.sinceTicks - 1,
      ...(end.pgid !== undefined ? { pgid: end.pgid } : {}),
      // Short attempts cannot have seen the pid counter wrap all the way round: scan only newer pids.
      ...(end.pgid !== undefined && end.durationMs < 2000 ? { minPid: end.pgid } : {}),
    };
    const survivors = await findSurvivors(query);
    await this.endAndRecord(
      survivors.map((s) => ({ ...s, scenario: end.scenario, attempt: end.attempt })),
      () => findSurvivors(query),
    );
  }

  /**
   * A worktree setup command ended: what it left running (in its group, or escaped but tagged with
   * the run and the worktree's setup) is a leak like an attempt's. Setup commands are few: one full
   * scan each.
   */
  async sweepSetup(end: { worktree: string; step: string; pgid?: number; startedAt: Date }): Promise<void> {
    const query = {
      runId: this.options.runId,
      scenario: end.worktree,
      setup: true,
      sinceTicks: this.ticksAt(end.startedAt) - 1,
      ...(end.pgid !== undefined ? { pgid: end.pgid } : {}),
    };
    const survivors = await findSurvivors(query);
    await this.endAndRecord(
      survivors.map((s) => ({ ...s, scenario: "", attempt: 0, setupOf: end.worktree, step: end.step })),
      () => findSurvivors(query),
    );
  }

  /** Runs the batched check for processes that escaped their attempt's group. */
  private async scanForEscapes(): Promise<void> {
    this.escapeScanTimer = undefined;
    if (this.awaitingEscapeCheck.size === 0) return;
    const due = [...this.awaitingEscapeCheck].filter(([key]) => !this.running.has(key));
    if (due.length === 0) return;
    for (const [key] of due) this.awaitingEscapeCheck.delete(key);
    const since = new Map(due);
    const floor = escapeScanFloor(due.map(([, d]) => d.firstPid));
    const escaped = () =>
      findTagged(this.options.runId, Math.min(...due.map(([, d]) => d.sinceTicks)) - 1, floor).filter((p) => {
        const key = attemptKey(p.scenario, p.attempt);
        const d = since.get(key);
        return d !== undefined && p.startTicks >= d.sinceTicks - 1 && !this.running.has(key);
      });
    const found = escaped();
    const scan = this.endAndRecord(found, escaped);
    this.scans.add(scan);
    await scan;
    this.scans.delete(scan);
  }

  /** The last escape check of the run (nothing runs any more); call before writing the report. */
  async flush(): Promise<void> {
    if (this.escapeScanTimer) clearTimeout(this.escapeScanTimer);
    this.running.clear();
    await Promise.all(this.scans);
    await this.scanForEscapes();
  }

  /** Reports survivors (with ports and age) and, unless keepLeaks, ends them in rounds. */
  private async endAndRecord(
    survivors: (ProcessRecord & { scenario: string; attempt: number; setupOf?: string; step?: string })[],
    rescan: () => ProcessRecord[] | Promise<ProcessRecord[]>,
  ): Promise<void> {
    // A process is reported once, however many scans see it (--keep-leaks leaves it running).
    survivors = survivors.filter((s) => !this.reported.has(`${s.pid}:${s.startTicks}`));
    if (survivors.length === 0) return;
    for (const s of survivors) this.reported.add(`${s.pid}:${s.startTicks}`);
    const ports = await listeningPorts(survivors.map((s) => s.pid));
    const now = await bootTicksNow();
    const found: ResourceLeak[] = survivors.map((s) => ({
      resource_id: `process:${s.pid}`,
      type: "process",
      ...(s.setupOf !== undefined
        ? { module: `worktree:${s.setupOf}`, worktree: s.setupOf, step: s.step ?? "" }
        : { module: s.scenario, scenario: s.scenario, attempt: s.attempt }),
      pid: s.pid,
      command: s.command,
      ageSeconds: Math.round(ageSeconds(s.startTicks, now) * 100) / 100,
      ...(ports.get(s.pid) ? { ports: ports.get(s.pid)! } : {}),
      ended: false,
    }));
    if (!this.options.keepLeaks) {
      // Rounds: a survivor may fork while it is being ended; each round re-scans.
      for (let round = 0; round < 3; round++) {
        const live = round === 0 ? survivors : await rescan();
        if (live.length === 0) break;
        for (const s of live) signal(s.pid, "SIGTERM");
        const until = Date.now() + this.options.killGraceMs;
        while (Date.now() < until && live.some((s) => isAlive(s.pid))) await sleep(20);
        for (const s of live) if (isAlive(s.pid)) signal(s.pid, "SIGKILL");
        for (let i = 0; i < 50 && live.some((s) => isAlive(s.pid)); i++) await sleep(20);
      }
      for (const leak of found) leak.ended = !isAlive(leak.pid!);
    }
    for (const leak of found) this.record(leak);
  }

  /** Worktrees (and their branches) a --cleanup run created and should have removed, left without a reason to keep them. */
  recordWorktreeLeaks(reports: readonly WorktreeReport[], cleanupRequested: boolean): void {
    if (!cleanupRequested) return;
    for (const r of reports) {
      if (r.branch_left && r.branch) {
        const leak: ResourceLeak = {
          resource_id: `branch:${r.branch}`,
          type: "branch",
          module: "worktrees",
          path: r.path,
        };
        this.record(leak);
      }
      if (r.state === "removed" || r.state === "kept" || !r.created) continue;
      const leak: ResourceLeak = {
        resource_id: `worktree:${r.name}`,
        type: "worktree",
        module: "worktrees",
        path: r.path,
      };
      this.record(leak);
    }
  }

  /** Removes the run's temp dir; one that cannot be removed is a leak. Once: later calls do nothing. */
  finish(): void {
    if (this.finished) return;
    this.finished = true;
    try {
      rmSync(this.tempDir, { recursive: true, force: true });
    } catch {
      const leak: ResourceLeak = {
        resource_id: `temp-dir:${this.tempDir}`,
        type: "temp-dir",
        module: "grove",
        path: this.tempDir,
      };
      this.record(leak);
    }
  }
}
