/**
 * The Node spawn helper, used where Python is missing: a small Node process that Grove forks at the
 * start of a run and that starts the scenarios' commands for it (see spawner.ts for why). It speaks
 * the messages in spawn-protocol.ts over the IPC channel and does nothing else.
 *
 * It ignores SIGINT, SIGTERM and SIGHUP (a Ctrl-C reaches the whole terminal group; Grove decides what
 * to end). When the channel closes while commands still run, Grove is gone without ending them: the
 * helper ends their process groups (SIGTERM, then SIGKILL) and exits, so no command outlives a Grove
 * that was killed outright.
 */
import { setTimeout as sleep } from "node:timers/promises";
import { launchDirect } from "./launch-process.js";
import type { HelperMessage, SpawnRequest } from "./spawn-protocol.js";

const live = new Set<number>();

function send(message: HelperMessage): void {
  // After Grove is gone there is nobody to tell.
  if (process.connected) process.send?.(message);
}

function signalGroup(pgid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pgid, signal);
  } catch {}
}

async function onRequest(request: SpawnRequest): Promise<void> {
  try {
    const launched = await launchDirect(request);
    const { pid } = launched;
    if (pid !== undefined) live.add(pid);
    send({ id: request.id, type: "spawned", ...(pid !== undefined ? { pid } : {}) });
    const exit = await launched.exited;
    if (pid !== undefined) live.delete(pid);
    send({ id: request.id, type: "exited", exit });
  } catch (error) {
    send({ id: request.id, type: "failed", message: (error as Error).message });
  }
}

async function orphaned(): Promise<void> {
  for (const pgid of live) signalGroup(pgid, "SIGTERM");
  for (let i = 0; i < 100 && live.size > 0; i++) await sleep(20);
  for (const pgid of live) signalGroup(pgid, "SIGKILL");
  process.exit(0);
}

for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"] as const) process.on(signal, () => {});
process.on("message", (request: SpawnRequest) => void onRequest(request));
process.on("disconnect", () => void orphaned());
