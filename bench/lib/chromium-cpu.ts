/**
 * Where chromium's CPU goes, for bench/inspector.ts: CPU time per process kind and thread of every
 * chromium process under this one (from /proc; Linux only), and a CDP CPU profile summed by function.
 * Measures only; launches nothing.
 */
import { readdirSync, readFileSync } from "node:fs";

/** CPU seconds per "pid/tid", with "kind thread-name". */
export type ThreadCpu = Map<string, { kind: string; seconds: number }>;

/**
 * CPU seconds (user + system) of every thread of each live chromium process under this one, keyed
 * "pid/tid", with "kind thread-name" (kind: browser, renderer, gpu-process, utility, zygote).
 */
export function chromiumCpu(): ThreadCpu {
  const tick = 100; // USER_HZ on Linux
  const stat = (path: string) => {
    const text = readFileSync(path, "utf8");
    const f = text.slice(text.lastIndexOf(")") + 2).split(" ");
    const comm = text.slice(text.indexOf("(") + 1, text.lastIndexOf(")"));
    return { comm, ppid: Number(f[1]), seconds: (Number(f[11]) + Number(f[12])) / tick };
  };
  const procs = new Map<number, { ppid: number; kind: string; chromium: boolean }>();
  for (const d of readdirSync("/proc")) {
    if (!/^\d+$/.test(d)) continue;
    try {
      // Chromium rewrites its processes' titles: the arguments may be one string, space-separated.
      const cmd = readFileSync(`/proc/${d}/cmdline`, "utf8").split(/[\0 ]/);
      const type = cmd.find((a) => a.startsWith("--type="))?.slice(7);
      procs.set(Number(d), {
        ppid: stat(`/proc/${d}/stat`).ppid,
        kind: type ?? "browser",
        chromium: /chrom/.test(cmd[0] ?? ""),
      });
    } catch {
      // The process ended while we looked.
    }
  }
  const under = (pid: number): boolean => {
    for (let p = procs.get(pid)?.ppid; p && p > 1; p = procs.get(p)?.ppid) if (p === process.pid) return true;
    return false;
  };
  const out: ThreadCpu = new Map();
  for (const [pid, p] of procs) {
    if (!p.chromium || !under(pid)) continue;
    try {
      for (const tid of readdirSync(`/proc/${pid}/task`)) {
        const t = stat(`/proc/${pid}/task/${tid}/stat`);
        out.set(`${pid}/${tid}`, { kind: `${p.kind} ${t.comm.replace(/\d+$/, "")}`, seconds: t.seconds });
      }
    } catch {
      // The process ended while we looked.
    }
  }
  return out;
}

/** CPU seconds spent between two samples (threads alive at the end), per "kind thread-name". */
export function cpuBetween(before: ThreadCpu, after: ThreadCpu): Record<string, number> {
  const byKind: Record<string, number> = {};
  for (const [id, a] of after)
    byKind[a.kind] = (byKind[a.kind] ?? 0) + a.seconds - (before.get(id)?.seconds ?? 0);
  return byKind;
}

/** What this bench reads of CDP's Profiler.Profile. */
export interface CpuProfile {
  nodes: { id: number; callFrame: { functionName: string; url: string; lineNumber: number } }[];
  samples?: number[];
  timeDeltas?: number[];
}

/** The functions of a CPU profile by self time (its samples), milliseconds, largest first. */
export function topFunctions(profile: CpuProfile): [string, number][] {
  const self = new Map<number, number>();
  const deltas = profile.timeDeltas ?? [];
  const samples = profile.samples ?? [];
  // A sample stands for the time until the next one.
  for (let k = 0; k < samples.length; k++)
    self.set(samples[k]!, (self.get(samples[k]!) ?? 0) + (deltas[k + 1] ?? 0) / 1000);
  const byName = new Map<string, number>();
  for (const node of profile.nodes) {
    const f = node.callFrame;
    const where = f.url ? `${f.url.replace(/^.*\//, "").replace(/\?.*$/, "")}:${f.lineNumber + 1}` : "";
    const name = `${f.functionName || "(anonymous)"}${where ? ` ${where}` : ""}`;
    byName.set(name, (byName.get(name) ?? 0) + (self.get(node.id) ?? 0));
  }
  return [...byName].sort((a, b) => b[1] - a[1]);
}

/** The total of a per-kind record. */
export function sumCpu(r: Record<string, number>): number {
  return Object.values(r).reduce((x, y) => x + y, 0);
}
