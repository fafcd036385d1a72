/**
 * Starts scenario commands from small helper processes (spawn-server.ts) instead of from Grove itself.
 *
 * Why: Node forks with fork(), which copies the caller's page tables and makes its memory copy-on-write,
 * and blocks the calling thread until the child has exec'd. Measured here (bench/overhead.ts), Grove's
 * main process (100+ MB with a thousand scenarios) paid ~1.8 ms per command for that, on the thread that
 * runs the machines; a fresh helper pays well under 1 ms, on another core, in parallel with Grove.
 *
 * The helpers only launch and wait: deadlines, group kills, leak sweeps and logs' meaning stay in Grove
 * (a process group can be signalled from any process). If a helper cannot be started or dies, commands
 * fall back to launchDirect, so a run never depends on the helpers to make progress.
 */
import { type ChildProcess, fork } from "node:child_process";
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { type Launched, type Launcher, launchDirect, type ProcessExit } from "./launch-process.js";
import type { HelperMessage, SpawnRequest } from "./spawn-protocol.js";

export interface Spawner {
  launch: Launcher;
  /** The helpers' pids (not the commands'). */
  readonly helperPids: readonly number[];
  /** Lets the helpers exit; call once no command is running. */
  close(): void;
}

interface Pending {
  helper: ChildProcess;
  spawned(pid: number | undefined): void;
  failed(error: Error): void;
  exited(exit: ProcessExit): void;
}

/** The compiled helper; under vitest this module runs from src/ while the helper runs from dist/. */
function helperEntry(): string | undefined {
  const here = fileURLToPath(import.meta.url);
  const entry = here.endsWith(".ts")
    ? here.replace(/[/\\]src[/\\]steps[/\\]spawner\.ts$/, "/dist/steps/spawn-server.js")
    : here.replace(/spawner\.js$/, "spawn-server.js");
  return existsSync(entry) ? entry : undefined;
}

const LOST: ProcessExit = {
  exitCode: null,
  signal: null,
  error: { message: "Grove's spawn helper exited while the command ran; its outcome is unknown" },
};

export function startSpawner(count: number): Spawner {
  const entry = helperEntry();
  if (!entry || count < 1) return { launch: launchDirect, helperPids: [], close() {} };
  const pending = new Map<number, Pending>();
  const helpers: ChildProcess[] = [];
  let nextId = 1;
  let turn = 0;

  const onMessage = (message: HelperMessage) => {
    const p = pending.get(message.id);
    if (!p) return;
    if (message.type === "spawned") p.spawned(message.pid);
    else if (message.type === "failed") {
      pending.delete(message.id);
      p.failed(new Error(message.message));
    } else {
      pending.delete(message.id);
      p.exited(message.exit);
    }
  };
  const onGone = (helper: ChildProcess) => {
    const at = helpers.indexOf(helper);
    if (at >= 0) helpers.splice(at, 1);
    for (const [id, p] of pending) {
      if (p.helper !== helper) continue;
      pending.delete(id);
      p.failed(new Error(LOST.error!.message));
      p.exited(LOST);
    }
  };
  for (let i = 0; i < count; i++) {
    const helper = fork(entry, [], { execArgv: [], stdio: ["ignore", "ignore", "inherit", "ipc"] });
    helper.on("message", onMessage);
    helper.once("exit", () => onGone(helper));
    helper.once("error", () => onGone(helper));
    helpers.push(helper);
  }

  const launch: Launcher = (request) => {
    const helper = helpers[turn++ % Math.max(1, helpers.length)];
    if (!helper?.connected) return launchDirect(request);
    const id = nextId++;
    let exited!: (exit: ProcessExit) => void;
    const exit = new Promise<ProcessExit>((resolve) => {
      exited = resolve;
    });
    return new Promise<Launched>((resolve, reject) => {
      pending.set(id, {
        helper,
        spawned: (pid) => resolve({ ...(pid !== undefined ? { pid } : {}), exited: exit }),
        failed: reject,
        exited,
      });
      const message: SpawnRequest = { id, ...request };
      helper.send(message, (error) => {
        if (!error) return;
        pending.delete(id);
        launchDirect(request).then(resolve, reject);
      });
    });
  };

  return {
    launch,
    get helperPids() {
      return helpers.flatMap((h) => (h.pid !== undefined ? [h.pid] : []));
    },
    close() {
      for (const helper of helpers) if (helper.connected) helper.disconnect();
    },
  };
}
