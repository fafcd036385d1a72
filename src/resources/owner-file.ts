/**
 * An exclusive owner file shared by processes: who holds something (a worktree lease, the repository
 * lock) as `{ run_id, pid, start_ticks, started_at }`. Claimed by hard-linking a complete temp file to
 * the name (atomic, fails if it exists, never half-written). An owner is alive while its pid runs
 * with the same start time (/proc/<pid>/stat), so a reused pid is not mistaken for it; a dead owner's
 * file is taken over under a short takeover lock, so two takers never both win.
 *
 * Hand-written: no maintained lock library checks the owner's pid and start time (proper-lockfile
 * judges staleness by mtime alone, which a paused or slow run would lose).
 */
import { linkSync, mkdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { readProcess } from "./process-table.js";

export interface Owner {
  run_id: string;
  pid: number;
  /** Clock ticks after boot at which pid started; absent in files older Groves wrote. */
  start_ticks?: number;
  started_at: string;
}

/** This process as an owner, for the run `runId`. */
export function ownerOf(runId: string, pid = process.pid): Owner {
  const info = readProcess(pid);
  return {
    run_id: runId,
    pid,
    ...(info ? { start_ticks: info.startTicks } : {}),
    started_at: new Date().toISOString(),
  };
}

/** Whether the owner's process still runs (same pid, same start time, not a zombie). */
export function ownerAlive(owner: Owner): boolean {
  const p = readProcess(owner.pid);
  if (!p || p.state === "Z" || p.state === "X") return false;
  return owner.start_ticks === undefined || p.startTicks === owner.start_ticks;
}

/** The file's owner; a bare pid (what older Groves wrote) reads as an owner without a run id. */
export function readOwner(path: string): Owner | undefined {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch {
    return undefined;
  }
  if (/^\d+\s*$/.test(text)) return { run_id: "", pid: Number(text), started_at: "" };
  try {
    const o = JSON.parse(text) as Partial<Owner>;
    if (typeof o.pid === "number" && Number.isInteger(o.pid) && o.pid > 0)
      return {
        run_id: String(o.run_id ?? ""),
        pid: o.pid,
        ...(typeof o.start_ticks === "number" ? { start_ticks: o.start_ticks } : {}),
        started_at: String(o.started_at ?? ""),
      };
  } catch {}
  // Unreadable: nothing Grove writes (claims are atomic); treat its writer as gone.
  return { run_id: "", pid: 0, started_at: "" };
}

const same = (a: Owner | undefined, b: Owner | undefined) =>
  a !== undefined &&
  b !== undefined &&
  a.pid === b.pid &&
  a.start_ticks === b.start_ticks &&
  a.run_id === b.run_id;

export type Claim =
  | { kind: "acquired" /** A dead owner whose claim was taken over. */; tookOverFrom?: Owner }
  | { kind: "held"; by: Owner };

/** A takeover lock older than this belongs to a taker that died within its few microseconds. */
const TAKEOVER_STALE_MS = 10_000;

/** One attempt to claim `path` for `me`. */
export function tryClaim(path: string, me: Owner): Claim {
  mkdirSync(dirname(path), { recursive: true });
  const temp = `${path}.${me.pid}.${Math.random().toString(36).slice(2)}.tmp`;
  writeFileSync(temp, `${JSON.stringify(me)}\n`);
  try {
    for (let round = 0; round < 5; round++) {
      try {
        linkSync(temp, path);
        return { kind: "acquired" };
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
      }
      const holder = readOwner(path);
      if (holder === undefined) continue; // released meanwhile
      if (same(holder, me)) return { kind: "acquired" };
      if (holder.pid !== 0 && ownerAlive(holder)) return { kind: "held", by: holder };
      const takeover = `${path}.takeover`;
      try {
        linkSync(temp, takeover);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
        try {
          if (Date.now() - statSync(takeover).mtimeMs > TAKEOVER_STALE_MS) rmSync(takeover, { force: true });
        } catch {}
        return { kind: "held", by: holder };
      }
      try {
        const now = readOwner(path);
        if (now === undefined || same(now, holder)) {
          renameSync(temp, path);
          return { kind: "acquired", tookOverFrom: holder };
        }
      } finally {
        rmSync(takeover, { force: true });
      }
    }
    const holder = readOwner(path);
    return holder ? { kind: "held", by: holder } : tryClaim(path, me);
  } finally {
    rmSync(temp, { force: true });
  }
}

/** Removes the claim if it is still `me`'s (never another owner's). */
export function releaseClaim(path: string, me: Owner): void {
  if (same(readOwner(path), me)) rmSync(path, { force: true });
}

export interface WaitOptions {
  signal?: AbortSignal;
  /** Called when the claim is found held, and again whenever the holder changes. */
  onHeld?(by: Owner): void;
}

/** Claims `path`, waiting while a live owner holds it; resolves "held" only if the signal fired. */
export async function waitForClaim(path: string, me: Owner, options: WaitOptions = {}): Promise<Claim> {
  let last: Owner | undefined;
  for (let attempt = 0; ; attempt++) {
    const claim = tryClaim(path, me);
    if (claim.kind === "acquired" || options.signal?.aborted) return claim;
    if (!same(claim.by, last)) options.onHeld?.(claim.by);
    last = claim.by;
    await sleep(Math.min(200, 10 + attempt * 5), undefined, { signal: options.signal }).catch(() => {});
  }
}
