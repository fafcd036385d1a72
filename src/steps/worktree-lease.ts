/**
 * Worktree leases: one run at a time per worktree, across processes. A lease is an owner file
 * (resources/owner-file.ts: run id, pid, pid start time) in the common git dir, `grove-leases/`, one
 * per worktree path. A run waits while another live run holds it (or, with --no-wait, gives up: its
 * scenarios are skipped as `worktree-busy`); a lease whose run is dead is taken over, and the caller
 * is told whose it was. Because one run holds a worktree at a time, `max_per_worktree` holds across
 * processes too.
 *
 * Leases are taken in one order (sorted by path) by every run, so two runs that each need several
 * worktrees never wait on each other in a cycle.
 */
import { createHash } from "node:crypto";
import { readdirSync } from "node:fs";
import { basename, join } from "node:path";
import {
  type Claim,
  type Owner,
  ownerOf,
  readOwner,
  releaseClaim,
  tryClaim,
  waitForClaim,
} from "../resources/owner-file.js";

/** What a lease file holds: its owner and the worktree's path. */
export interface Lease extends Owner {
  path: string;
}

function leaseDir(commonDir: string): string {
  return join(commonDir, "grove-leases");
}

/** The lease file of the worktree at `path` (readable name plus a hash of the full path). */
export function leaseFile(commonDir: string, path: string): string {
  const hash = createHash("sha256").update(path).digest("hex").slice(0, 10);
  return join(leaseDir(commonDir), `${basename(path).replace(/[^A-Za-z0-9_.-]/g, "_")}-${hash}.json`);
}

/** Says who holds a lease, for people. */
export function describeHolder(owner: Owner): string {
  return `run ${owner.run_id || "(unknown)"} (pid ${owner.pid}${owner.started_at ? `, since ${owner.started_at}` : ""})`;
}

export interface LeaseRequest {
  commonDir: string;
  /** The worktree's path. */
  path: string;
  runId: string;
  /** Give up at once when another live run holds it. */
  noWait: boolean;
  signal?: AbortSignal;
  /** Told who holds it, when waiting starts and whenever the holder changes. */
  onWait?(holder: Owner): void;
}

export type LeaseOutcome =
  | { kind: "acquired"; release(): void; tookOverFrom?: Owner }
  | { kind: "busy"; holder: Owner }
  | { kind: "cancelled" };

/** Takes the worktree's lease for this run (waiting unless noWait). */
export async function acquireLease(req: LeaseRequest): Promise<LeaseOutcome> {
  const file = leaseFile(req.commonDir, req.path);
  const me: Lease = { ...ownerOf(req.runId), path: req.path };
  const claim: Claim = req.noWait
    ? tryClaim(file, me)
    : await waitForClaim(file, me, {
        ...(req.signal ? { signal: req.signal } : {}),
        ...(req.onWait ? { onHeld: req.onWait } : {}),
      });
  if (claim.kind === "held") return req.noWait ? { kind: "busy", holder: claim.by } : { kind: "cancelled" };
  return {
    kind: "acquired",
    release: () => releaseClaim(file, me),
    ...(claim.tookOverFrom ? { tookOverFrom: claim.tookOverFrom } : {}),
  };
}

/** Every lease file of the repository with its holder (alive or not). */
export function listLeases(commonDir: string): { file: string; holder: Owner }[] {
  let names: string[];
  try {
    names = readdirSync(leaseDir(commonDir));
  } catch {
    return [];
  }
  return names
    .filter((n) => n.endsWith(".json"))
    .flatMap((n) => {
      const file = join(leaseDir(commonDir), n);
      const holder = readOwner(file);
      return holder ? [{ file, holder }] : [];
    });
}
