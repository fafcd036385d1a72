/**
 * The runs under way on a repository, across processes: one owner file per run in the common git dir
 * (`grove-runs/<run-id>.json`: run id, pid, pid start time, run directory). Written as a run starts and
 * removed when it ends, so an entry whose owner is no longer alive is a run that died (kill -9, OOM)
 * and left its process groups, leases and locks behind (run/dead-runs.ts ends and releases them).
 */
import { readdirSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { type Owner, ownerOf, releaseClaim, tryClaim } from "./owner-file.js";

/** A registered run. */
export interface RunEntry extends Owner {
  run_dir: string;
}

function registryDir(commonDir: string): string {
  return join(commonDir, "grove-runs");
}

/** Registers this process's run; the returned function removes the entry. */
export function registerRun(commonDir: string, runId: string, runDir: string): () => void {
  const path = join(registryDir(commonDir), `${runId}.json`);
  const me: RunEntry = { ...ownerOf(runId), run_dir: runDir };
  tryClaim(path, me as Owner);
  return () => releaseClaim(path, me);
}

/** Every registered run (alive or not). */
export function listRuns(commonDir: string): RunEntry[] {
  let names: string[];
  try {
    names = readdirSync(registryDir(commonDir));
  } catch {
    return [];
  }
  const entries: RunEntry[] = [];
  for (const name of names) {
    if (!name.endsWith(".json")) continue;
    try {
      const e = JSON.parse(readFileSync(join(registryDir(commonDir), name), "utf8")) as RunEntry;
      if (typeof e.pid === "number" && typeof e.run_id === "string") entries.push(e);
    } catch {}
  }
  return entries;
}

/** Removes a dead run's entry. */
export function forgetRun(commonDir: string, runId: string): void {
  rmSync(join(registryDir(commonDir), `${runId}.json`), { force: true });
}
