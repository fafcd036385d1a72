/** Timing helpers for benchmarks: medians of repeated runs, ratios against a baseline from the same run. */
import { spawnSync } from "node:child_process";

export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

/** Wall seconds of a command, median of `repeats` runs; throws if it fails. */
export function timeCommand(
  cmd: string,
  args: string[],
  repeats: number,
  options: { cwd?: string; okCodes?: number[] } = {},
): number {
  const times: number[] = [];
  for (let i = 0; i < repeats; i++) {
    const start = process.hrtime.bigint();
    const r = spawnSync(cmd, args, { cwd: options.cwd, stdio: ["ignore", "ignore", "pipe"] });
    const seconds = Number(process.hrtime.bigint() - start) / 1e9;
    if (!(options.okCodes ?? [0]).includes(r.status ?? -1))
      throw new Error(`${cmd} ${args.join(" ")} exited ${r.status}: ${r.stderr}`);
    times.push(seconds);
  }
  return median(times);
}

export function row(label: string, seconds: number, baseline?: number): string {
  const ratio = baseline ? `  ${(seconds / baseline).toFixed(2)}x baseline` : "";
  return `${label.padEnd(48)}${seconds.toFixed(3)} s${ratio}`;
}

/** A seeded PRNG (mulberry32) so every run measures the same inputs. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
