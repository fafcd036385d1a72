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
import { endProcessGroup } from "./end-process-group.js";
import { launchDirect } from "./launch-process.js";
import type { HelperMessage, SpawnRequest } from "./spawn-protocol.js";

const live = new Set<number>();

function send(message: HelperMessage): void {
  // After Grove is gone there is nobody to tell.
  if (process.connected) process.send?.(message);
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

/** Grove is gone: end what it started, as its own group kill would (SIGTERM, 2 s grace, SIGKILL). */
async function orphaned(): Promise<void> {
  await Promise.all([...live].map((pgid) => endProcessGroup(pgid, 2000).catch(() => {})));
  process.exit(0);
}

for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"] as const) process.on(signal, () => {});
process.on("message", (request: SpawnRequest) => void onRequest(request));
process.on("disconnect", () => void orphaned());
