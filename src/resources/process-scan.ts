/**
 * Finds the processes an attempt left behind: the union of its process group (catches a child that
 * dropped the tag with `env -i`) and processes whose environment carries its GROVE_RUN_ID and
 * GROVE_SCENARIO (catches one that escaped the group with `setsid` or a double fork). Only processes
 * started after the attempt began are considered, so nothing older (nothing that is not Grove's) is
 * ever reported. Scans repeat until two agree, so a process forked during a scan is not missed.
 * Reads /proc synchronously: measured in bench/scan.ts, 500 tiny async reads cost ~70 ms of
 * thread-pool round trips, the same reads done synchronously a few ms.
 */
import { readdirSync, readFileSync } from "node:fs";
import { type ProcessInfo, readCommandLine, readEnvironment, readProcess } from "./process-table.js";

const TAGS = ["GROVE_RUN_ID", "GROVE_SCENARIO", "GROVE_ATTEMPT", "GROVE_PHASE", "GROVE_WORKTREE"] as const;

/** A process of the attempt that is still alive, with its command line. */
export interface ProcessRecord extends ProcessInfo {
  command: string;
}

export interface SurvivorQuery {
  /** The attempt's process group (its first process's pid). */
  pgid?: number;
  runId: string;
  /** The scenario whose attempt this is; or, for a setup command, the worktree it set up. */
  scenario: string;
  /** A worktree setup command (tagged GROVE_PHASE=setup, GROVE_WORKTREE) rather than an attempt. */
  setup?: boolean;
  /** Clock ticks after boot when the attempt started (see bootTicksNow). */
  sinceTicks: number;
  /** Never report these (Grove itself). */
  exclude?: readonly number[];
  /**
   * The attempt's first pid, for a short attempt. Linux hands out pids upwards, so what the attempt
   * started has a larger pid unless the counter wrapped; when /proc/loadavg's last pid shows no wrap,
   * only larger pids are read. Long attempts (which may see a full wrap) are scanned in full.
   */
  minPid?: number;
}

/** The pid the kernel handed out last (/proc/loadavg), when readable. */
export function lastPid(): number | undefined {
  try {
    const pid = Number(readFileSync("/proc/loadavg", "utf8").trim().split(" ")[4]);
    return Number.isInteger(pid) ? pid : undefined;
  } catch {
    return undefined;
  }
}

/** The pid floor to scan from: minPid when no wrap happened since, else 0 (full scan). */
function scanFloor(minPid: number | undefined): number {
  if (minPid === undefined) return 0;
  const last = lastPid();
  return last !== undefined && last >= minPid ? minPid : 0;
}

const CLK_TCK = 100;

/** Epoch milliseconds at boot (from /proc/uptime): the origin of /proc/<pid>/stat start times. */
export function bootTimeMs(): number {
  return Date.now() - Number(readFileSync("/proc/uptime", "utf8").split(" ")[0]) * 1000;
}

/** A wall-clock time (epoch ms) as clock ticks after boot, the unit of /proc/<pid>/stat start times. */
export function ticksAfterBoot(epochMs: number, bootMs = bootTimeMs()): number {
  return Math.floor(((epochMs - bootMs) * CLK_TCK) / 1000);
}

/** Clock ticks since boot now, to compare with /proc/<pid>/stat's start time. */
export async function bootTicksNow(): Promise<number> {
  return ticksAfterBoot(Date.now());
}

export function ageSeconds(startTicks: number, nowTicks: number): number {
  return Math.max(0, (nowTicks - startTicks) / CLK_TCK);
}

/** The most pids read one by one instead of listing /proc (a missing one costs a failed open). */
const MAX_PID_RANGE = 256;

/**
 * The pids to look at, from `floor` up: with a floor close below the last pid handed out, each pid of
 * that range (listing /proc cost more than a few hundred failed opens: it was most of a batched
 * escape scan), which may include thread ids (`threads`); otherwise the entries of /proc, processes only.
 */
function pidsFrom(floor: number): { pids: number[]; threads: boolean } {
  const last = floor > 0 ? lastPid() : undefined;
  if (last !== undefined && last >= floor && last - floor < MAX_PID_RANGE)
    return { pids: Array.from({ length: last - floor + 1 }, (_, i) => floor + i), threads: true };
  const pids = readdirSync("/proc")
    .map(Number)
    .filter((pid) => Number.isInteger(pid) && pid >= floor);
  return { pids, threads: false };
}

/** Whether /proc/<id> is a thread of another process (/proc lists processes; their threads are there unlisted). */
function isThread(id: number): boolean {
  try {
    const tgid = /^Tgid:\s*(\d+)/m.exec(readFileSync(`/proc/${id}/status`, "utf8"))?.[1];
    return tgid !== undefined && Number(tgid) !== id;
  } catch {
    return false;
  }
}

/** Live processes (not Grove itself, not zombies) with pid >= floor, started at or after sinceTicks. */
function* liveProcessesSince(
  sinceTicks: number,
  floor = 0,
  exclude: readonly number[] = [],
): Generator<ProcessInfo> {
  const skip = new Set([process.pid, ...exclude]);
  const { pids, threads } = pidsFrom(floor);
  for (const pid of pids) {
    if (skip.has(pid)) continue;
    const s = readProcess(pid);
    if (!s || s.state === "Z" || s.state === "X" || s.startTicks < sinceTicks) continue;
    if (threads && isThread(pid)) continue;
    yield s;
  }
}

function scanOnce(q: SurvivorQuery): Map<number, ProcessInfo> {
  const found = new Map<number, ProcessInfo>();
  for (const s of liveProcessesSince(q.sinceTicks, scanFloor(q.minPid), q.exclude)) {
    if (q.pgid !== undefined && s.pgid === q.pgid) found.set(s.pid, s);
    else {
      const tags = readEnvironment(s.pid, TAGS);
      if (tags.get("GROVE_RUN_ID") !== q.runId) continue;
      const owner = q.setup
        ? tags.get("GROVE_PHASE") === "setup" && tags.get("GROVE_WORKTREE")
        : tags.get("GROVE_SCENARIO");
      if (owner === q.scenario) found.set(s.pid, s);
    }
  }
  return found;
}

/** Processes of the attempt still alive; scans until two consecutive scans see the same set. */
export async function findSurvivors(q: SurvivorQuery): Promise<ProcessRecord[]> {
  let previous = scanOnce(q);
  for (let i = 0; i < 5; i++) {
    const next = scanOnce(q);
    const same = next.size === previous.size && [...next.keys()].every((k) => previous.has(k));
    previous = next;
    if (same) break;
  }
  return [...previous.values()].map((s) => ({ ...s, command: readCommandLine(s.pid) }));
}

/** A live process carrying a run's tags: which scenario and attempt started it. */
export interface TaggedProcess extends ProcessRecord {
  scenario: string;
  attempt: number;
}

/**
 * Every live process started since sinceTicks whose environment carries this run's id (one scan), of
 * pids from `floor` up (see scanFloor; 0 reads them all).
 */
export function findTagged(runId: string, sinceTicks: number, floor = 0): TaggedProcess[] {
  const found: TaggedProcess[] = [];
  for (const s of liveProcessesSince(sinceTicks, floor)) {
    const tags = readEnvironment(s.pid, TAGS);
    const scenario = tags.get("GROVE_SCENARIO");
    if (tags.get("GROVE_RUN_ID") !== runId || scenario === undefined) continue;
    found.push({
      ...s,
      command: readCommandLine(s.pid),
      scenario,
      attempt: Number(tags.get("GROVE_ATTEMPT")),
    });
  }
  return found;
}
