/**
 * Reads the kernel's process table from /proc (Linux). Used to end whole process groups and to find
 * processes that outlived their attempt. Zombies are reported as such: on machines whose PID 1 does not
 * reap orphans they stay in the table forever but hold nothing.
 */
import { readdirSync, readFileSync } from "node:fs";
import { withoutStackTrace } from "../util/expected-failure.js";

export interface ProcessInfo {
  pid: number;
  ppid: number;
  pgid: number;
  sid: number;
  /** Single-letter state from /proc/<pid>/stat (R, S, D, Z, T, ...). */
  state: string;
  /** Clock ticks after boot at which the process started. */
  startTicks: number;
}

export function readProcess(pid: number): ProcessInfo | undefined {
  let stat: string;
  try {
    stat = withoutStackTrace(() => readFileSync(`/proc/${pid}/stat`, "utf8"));
  } catch {
    return undefined;
  }
  // The command name may contain spaces and parentheses: fields start after the last ")".
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return {
    pid,
    state: fields[0]!,
    ppid: Number(fields[1]),
    pgid: Number(fields[2]),
    sid: Number(fields[3]),
    startTicks: Number(fields[19]),
  };
}

function listPids(): number[] {
  return readdirSync("/proc")
    .filter((d) => /^\d+$/.test(d))
    .map(Number);
}

export function listProcesses(): ProcessInfo[] {
  const out: ProcessInfo[] = [];
  for (const pid of listPids()) {
    const p = readProcess(pid);
    if (p) out.push(p);
  }
  return out;
}

/** Live (non-zombie) members of a process group. */
export function liveGroupMembers(pgid: number): ProcessInfo[] {
  return listProcesses().filter((p) => p.pgid === pgid && p.state !== "Z" && p.state !== "X");
}

export function isAlive(pid: number): boolean {
  const p = readProcess(pid);
  return p !== undefined && p.state !== "Z" && p.state !== "X";
}

/** The command line, with arguments joined by spaces (empty for kernel threads and zombies). */
export function readCommandLine(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, "utf8").replace(/\0+$/, "").split("\0").join(" ");
  } catch {
    return "";
  }
}

/** Values of the given variables in a process's environment, when readable. */
export function readEnvironment(pid: number, names: readonly string[]): Map<string, string> {
  const found = new Map<string, string>();
  let raw: string;
  try {
    raw = readFileSync(`/proc/${pid}/environ`, "utf8");
  } catch {
    return found;
  }
  for (const entry of raw.split("\0")) {
    const eq = entry.indexOf("=");
    if (eq > 0 && names.includes(entry.slice(0, eq))) found.set(entry.slice(0, eq), entry.slice(eq + 1));
  }
  return found;
}
