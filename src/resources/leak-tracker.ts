/**
 * Tracks what a run creates that could outlive its owner: processes an attempt left running, the run's
 * temp dir, worktrees a --cleanup run should have removed. Each leak is reported with proof (pid,
 * command, scenario, attempt, age, listening ports) and, unless told to keep them, ended.
 */
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import type { ResourceLeak } from "../events.js";
import type { WorktreeReport } from "../reporters/build-report.js";
import { isAlive } from "../steps/process-table.js";
import { listeningPorts } from "./listening-ports.js";
import { ageSeconds, bootTicksNow, findSurvivors } from "./process-scan.js";

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
  sinceTicks: number;
  durationMs: number;
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

  constructor(private readonly options: LeakTrackerOptions) {
    this.tempDir = mkdtempSync(join(tmpdir(), `grove-${options.runId}-`));
    this.bootMs = Date.now() - Number(readFileSync("/proc/uptime", "utf8").split(" ")[0]) * 1000;
  }

  private record(leak: ResourceLeak): void {
    this.leaks.push(leak);
    this.options.onLeak?.(leak);
  }

  /** A wall-clock time as clock ticks after boot (the unit of /proc/<pid>/stat start times). */
  ticksAt(date: Date): number {
    return Math.floor((date.getTime() - this.bootMs) / 10);
  }

  /** Looks for the attempt's survivors; reports and (unless keepLeaks) ends them. */
  async sweepAttempt(end: AttemptEnd): Promise<void> {
    const query = {
      runId: this.options.runId,
      scenario: end.scenario,
      sinceTicks: end.sinceTicks - 1,
      ...(end.pgid !== undefined ? { pgid: end.pgid } : {}),
      // Short attempts cannot have seen the pid counter wrap all the way round: scan only newer pids.
      ...(end.pgid !== undefined && end.durationMs < 2000 ? { minPid: end.pgid } : {}),
    };
    const survivors = await findSurvivors(query);
    if (survivors.length === 0) return;
    const ports = await listeningPorts(survivors.map((s) => s.pid));
    const now = await bootTicksNow();
    const found: ResourceLeak[] = survivors.map((s) => ({
      resource_id: `process:${s.pid}`,
      type: "process",
      module: end.scenario,
      scenario: end.scenario,
      attempt: end.attempt,
      pid: s.pid,
      command: s.command,
      ageSeconds: Math.round(ageSeconds(s.startTicks, now) * 100) / 100,
      ...(ports.get(s.pid) ? { ports: ports.get(s.pid)! } : {}),
      ended: false,
    }));
    if (!this.options.keepLeaks) {
      // Rounds: a survivor may fork while it is being ended; each round re-scans.
      for (let round = 0; round < 3; round++) {
        const live = round === 0 ? survivors : await findSurvivors(query);
        if (live.length === 0) break;
        for (const s of live) signal(s.pid, "SIGTERM");
        const until = Date.now() + this.options.killGraceMs;
        while (Date.now() < until && live.some((s) => isAlive(s.pid))) await sleep(20);
        for (const s of live) if (isAlive(s.pid)) signal(s.pid, "SIGKILL");
        for (let i = 0; i < 50 && live.some((s) => isAlive(s.pid)); i++) await sleep(20);
      }
      for (const leak of found) leak.ended = !isAlive(leak.pid!);
    }
    for (const leak of found) {
      this.record(leak);
    }
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
      if (r.state === "removed" || r.state === "kept" || r.state === "released" || !r.created) continue;
      const leak: ResourceLeak = {
        resource_id: `worktree:${r.name}`,
        type: "worktree",
        module: "worktrees",
        path: r.path,
      };
      this.record(leak);
    }
  }

  /** Removes the run's temp dir; one that cannot be removed is a leak. */
  finish(): void {
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
