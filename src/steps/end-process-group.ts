/**
 * Ends a whole process group: SIGTERM to the group, a grace period while members exit, then SIGKILL to
 * whatever is left. Killing only the direct child (what execa's timeout and the original did) orphans
 * the real test process; a group kill reaches grandchildren that stayed in the group.
 */
import { setTimeout as sleep } from "node:timers/promises";
import { liveGroupMembers } from "../resources/process-table.js";

const POLL_MS = 20;

function signalGroup(pgid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pgid, signal);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "ESRCH") throw error;
  }
}

/** Resolves once no live process is left in the group; says whether SIGKILL was needed. */
export async function endProcessGroup(pgid: number, graceMs: number): Promise<{ forced: boolean }> {
  if (liveGroupMembers(pgid).length === 0) return { forced: false };
  signalGroup(pgid, "SIGTERM");
  const until = Date.now() + graceMs;
  while (Date.now() < until) {
    await sleep(POLL_MS);
    if (liveGroupMembers(pgid).length === 0) return { forced: false };
  }
  signalGroup(pgid, "SIGKILL");
  for (let i = 0; i < 100 && liveGroupMembers(pgid).length > 0; i++) await sleep(POLL_MS);
  return { forced: true };
}
