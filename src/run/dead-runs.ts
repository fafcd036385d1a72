/**
 * Ends what a dead run left behind. A run registers itself in the common git dir as it starts
 * (resources/run-registry.ts) and records every process group it starts in its run directory
 * (resources/group-journal.ts). When Grove itself is killed (kill -9, OOM) its commands keep running:
 * the next `grove run` or `grove worktrees` on the repository finds each registered run whose process
 * is gone, ends the processes it left (members of its recorded groups, and processes whose environment
 * carries its GROVE_RUN_ID, which catches ones that escaped their group), then releases its worktree
 * leases, the repository lock if it held it, and the git worktree locks it took (`grove run <id>`),
 * and undoes a merge or rebase it was killed in the middle of (steps/worktree-pull.ts).
 *
 * Only processes started after the dead run began are considered, and a recorded group id is trusted
 * only while its leader is the one recorded (same start time) or gone with the group still alive.
 */
import { readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { GROUP_JOURNAL, type GroupRecord } from "../resources/group-journal.js";
import { ownerAlive, readOwner } from "../resources/owner-file.js";
import {
  listProcesses,
  type ProcessInfo,
  readCommandLine,
  readEnvironment,
} from "../resources/process-table.js";
import { forgetRun, listRuns, type RunEntry } from "../resources/run-registry.js";
import { git } from "../steps/git.js";
import { repoLockPath } from "../steps/repo-lock.js";
import { listLeases } from "../steps/worktree-lease.js";
import { undoDeadRunPulls } from "../steps/worktree-pull.js";

/** What one dead run had left, and what was done about it. */
export interface DeadRunCleanup {
  runId: string;
  pid: number;
  runDir: string;
  /** Processes found and ended (ended: false if one survived SIGKILL, e.g. stuck in the kernel). */
  processes: { pid: number; command: string; ended: boolean }[];
  /** Worktree leases released (paths of the lease files). */
  leases: string[];
  /** Worktrees whose `grove run <id>` lock was removed. */
  unlocked: string[];
  /** It held the repository lock. */
  repoLock: boolean;
  /** Worktrees where the merge or rebase it was killed in was undone. */
  pullsUndone: string[];
}

function recordedGroups(runDir: string): GroupRecord[] {
  try {
    return readFileSync(join(runDir, GROUP_JOURNAL), "utf8")
      .split("\n")
      .filter(Boolean)
      .flatMap((line) => {
        try {
          return [JSON.parse(line) as GroupRecord];
        } catch {
          return [];
        }
      });
  } catch {
    return [];
  }
}

/** The dead run's live processes: in one of its groups, or tagged with its run id. */
function leftBy(run: RunEntry, table: ProcessInfo[]): ProcessInfo[] {
  const since = run.start_ticks ?? 0;
  const live = table.filter((p) => p.state !== "Z" && p.state !== "X" && p.startTicks >= since);
  const byPid = new Map(table.map((p) => [p.pid, p]));
  const groups = new Set<number>();
  for (const g of recordedGroups(run.run_dir)) {
    const leader = byPid.get(g.pgid);
    // A live leader must be the recorded one; a gone leader with members left means the group (and
    // so its id) lived on unbroken.
    if (leader === undefined || (g.start_ticks !== null && leader.startTicks === g.start_ticks))
      groups.add(g.pgid);
  }
  return live.filter(
    (p) =>
      p.pid !== process.pid &&
      (groups.has(p.pgid) || readEnvironment(p.pid, ["GROVE_RUN_ID"]).get("GROVE_RUN_ID") === run.run_id),
  );
}

async function endAll(pids: number[], graceMs: number): Promise<Set<number>> {
  const alive = () => {
    const table = new Map(listProcesses().map((p) => [p.pid, p]));
    return pids.filter((pid) => {
      const p = table.get(pid);
      return p !== undefined && p.state !== "Z" && p.state !== "X";
    });
  };
  const signal = (pid: number, sig: NodeJS.Signals) => {
    try {
      process.kill(pid, sig);
    } catch {}
  };
  for (const pid of pids) signal(pid, "SIGTERM");
  const until = Date.now() + graceMs;
  while (Date.now() < until && alive().length > 0) await sleep(20);
  for (const pid of alive()) signal(pid, "SIGKILL");
  for (let i = 0; i < 50 && alive().length > 0; i++) await sleep(20);
  return new Set(alive());
}

async function unlockWorktreesOf(mainRepo: string, runId: string): Promise<string[]> {
  const list = await git(mainRepo, ["worktree", "list", "--porcelain"]);
  const unlocked: string[] = [];
  let current: string | undefined;
  for (const line of list.stdout.split("\n")) {
    if (line.startsWith("worktree ")) current = line.slice(9);
    else if (current && line === `locked grove run ${runId}`) {
      const r = await git(mainRepo, ["worktree", "unlock", "--end-of-options", current]);
      if (r.exitCode === 0) unlocked.push(current);
    }
  }
  return unlocked;
}

export interface DeadRunOptions {
  mainRepo: string;
  commonDir: string;
  /** Grace between SIGTERM and SIGKILL. */
  killGraceMs: number;
}

/** Finds every registered run of the repository whose process is gone, and cleans up after it. */
export async function endDeadRuns(options: DeadRunOptions): Promise<DeadRunCleanup[]> {
  const dead = listRuns(options.commonDir).filter((r) => r.pid !== process.pid && !ownerAlive(r));
  if (dead.length === 0) return [];
  const table = listProcesses();
  const cleanups: DeadRunCleanup[] = [];
  for (const run of dead) {
    // Scanned twice: a process forked while the first scan ran is in the second.
    const found = new Map<number, ProcessInfo>();
    for (let i = 0; i < 2; i++)
      for (const p of leftBy(run, i === 0 ? table : listProcesses())) found.set(p.pid, p);
    const commands = new Map([...found.keys()].map((pid) => [pid, readCommandLine(pid)]));
    const survivors = await endAll([...found.keys()], options.killGraceMs);
    const leases = listLeases(options.commonDir)
      .filter((l) => l.holder.run_id === run.run_id && !ownerAlive(l.holder))
      .map((l) => {
        rmSync(l.file, { force: true });
        return l.file;
      });
    const lock = readOwner(repoLockPath(options.commonDir));
    const repoLock = lock !== undefined && lock.pid === run.pid && !ownerAlive(lock);
    if (repoLock) rmSync(repoLockPath(options.commonDir), { force: true });
    const unlocked = await unlockWorktreesOf(options.mainRepo, run.run_id);
    const pullsUndone = await undoDeadRunPulls(options.commonDir, run.run_id);
    forgetRun(options.commonDir, run.run_id);
    cleanups.push({
      runId: run.run_id,
      pid: run.pid,
      runDir: run.run_dir,
      processes: [...commands].map(([pid, command]) => ({ pid, command, ended: !survivors.has(pid) })),
      leases,
      unlocked,
      repoLock,
      pullsUndone,
    });
  }
  return cleanups;
}

/** Lines for people about one dead run's cleanup. */
export function describeDeadRun(c: DeadRunCleanup): string[] {
  const lines = [
    `grove: run ${c.runId} (pid ${c.pid}) ended without cleaning up (killed?); logs in ${c.runDir}`,
  ];
  for (const p of c.processes)
    lines.push(`  ${p.ended ? "ended" : "could not end"} process ${p.pid} it left running: ${p.command}`);
  if (c.leases.length) lines.push(`  released its lease on ${c.leases.length} worktree(s)`);
  for (const path of c.unlocked) lines.push(`  unlocked worktree ${path}`);
  if (c.repoLock) lines.push("  released the repository lock it held");
  for (const path of c.pullsUndone) lines.push(`  undid the merge it was killed in, in ${path}`);
  if (c.processes.length === 0) lines.push("  it left no process running");
  return lines;
}
