/**
 * Starts scenario commands from small helper processes instead of from Grove itself.
 *
 * Why: Node forks with fork(), which copies the caller's page tables, makes its memory copy-on-write,
 * and blocks the calling thread until the child has exec'd. Measured here (bench/overhead.ts), Grove's
 * main process (100+ MB with a thousand scenarios) paid ~1.8 ms per command for that, on the thread that
 * runs the machines. A helper does the starting on another core:
 * - "python" (spawn-helper.py) uses posix_spawn, a vfork-style start that copies nothing: 1,000 `true`
 *   in ~0.3 s, as fast as `xargs -P 4`. Used when a Python 3.8+ is installed (the original coordinator's
 *   users have one).
 * - "node" (spawn-server.ts) forks from a fresh 45 MB Node: ~0.75 s for the same 1,000. The fallback.
 * GROVE_SPAWN_HELPER=python|node|none picks one (none: fork from Grove itself); GROVE_PYTHON names the
 * Python to use.
 *
 * The helpers only start and wait: deadlines, group kills, leak sweeps and what output means stay in
 * Grove (a process group can be signalled from any process). When a helper cannot start or dies,
 * commands fall back to launchDirect, so a run never depends on the helpers to make progress.
 */
import { type ChildProcess, fork, spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { delimiter, join } from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { type Launched, type Launcher, launchDirect, type ProcessExit } from "./launch-process.js";
import { decodeAnswer, encodeRequest, type HelperMessage, type SpawnRequest } from "./spawn-protocol.js";

export type SpawnHelperKind = "python" | "node" | "none";

export interface Spawner {
  launch: Launcher;
  /** The helpers' pids (not the commands'). */
  readonly helperPids: readonly number[];
  /** Which kind of helper is running, once all are ready; "none" when commands fork from this process. */
  kind(): Promise<SpawnHelperKind>;
  /** Lets the helpers exit; call once no command is running. */
  close(): void;
  /** How many launches went to a helper and how many forked from this process (launchDirect). */
  counts(): LaunchCounts;
}

/** Launch counts of one spawner (GROVE_DEBUG_SPAWNS=1 prints them at the end of a run). */
export interface LaunchCounts {
  helper: number;
  direct: number;
}

interface Helper {
  kind: "python" | "node";
  child: ChildProcess;
  /** False when the helper could not do the job (e.g. a Python older than 3.8). */
  ready: Promise<boolean>;
  /** Whether `ready` has resolved true. */
  usable: boolean;
  /** Commands it started (or was asked to) that have not exited yet. */
  running: number;
  connected(): boolean;
  /** False when the request cannot travel this way (launchDirect then takes it). */
  send(request: SpawnRequest, onError: (error: Error) => void): boolean;
  close(): void;
}

interface Pending {
  helper: Helper;
  spawned(pid: number | undefined, startTicks: number | undefined): void;
  failed(error: Error): void;
  exited(exit: ProcessExit): void;
}

const LOST: ProcessExit = {
  exitCode: null,
  signal: null,
  error: { message: "Grove's spawn helper exited while the command ran; its outcome is unknown" },
};

/**
 * A helper file in this module's folder, steps/ (`../steps/`: the bundled bin runs this from
 * dist/bundle/); under vitest this module runs from src/, the Node helper from dist/.
 */
function helperFile(name: string): string | undefined {
  const fromSource = import.meta.url.endsWith(".ts") && name.endsWith(".js");
  const path = fileURLToPath(new URL(`${fromSource ? "../../dist" : ".."}/steps/${name}`, import.meta.url));
  return existsSync(path) ? path : undefined;
}

/**
 * GROVE_PYTHON when set; else the system's python3 (no version-manager shims to start through), else
 * the first on PATH.
 */
function findPython(): string | undefined {
  if (process.env.GROVE_PYTHON) return process.env.GROVE_PYTHON;
  const dirs = ["/usr/bin", ...(process.env.PATH ?? "").split(delimiter).filter(Boolean)];
  return dirs.map((d) => join(d, "python3")).find((p) => existsSync(p));
}

function startPythonHelper(onMessage: (m: HelperMessage) => void): Helper | undefined {
  const script = helperFile("spawn-helper.py");
  const python = findPython();
  if (!script || !python) return undefined;
  // -I: isolated (no PYTHON* variables, no user site), -S: no site module; both also start faster.
  const child = spawn(python, ["-I", "-S", script], { stdio: ["pipe", "pipe", "inherit"] });
  if (child.pid === undefined) {
    child.once("error", () => {});
    return undefined;
  }
  let open = true;
  let setReady!: (ok: boolean) => void;
  const ready = new Promise<boolean>((resolve) => {
    setReady = resolve;
  });
  child.once("exit", () => {
    open = false;
    setReady(false);
  });
  child.stdin!.on("error", () => {});
  createInterface({ input: child.stdout! }).on("line", (line) => {
    if (line === "R") setReady(true);
    else for (const m of decodeAnswer(line)) onMessage(m);
  });
  // Requests made in one turn of the event loop (the next scenarios, started as answers arrive) go
  // out in one write: a write each cost more than the request's encoding.
  let batch: { encoded: Buffer; onError: (error: Error) => void }[] = [];
  const flush = () => {
    const sent = batch;
    if (sent.length === 0) return;
    batch = [];
    const payload = sent.length === 1 ? sent[0]!.encoded : Buffer.concat(sent.map((b) => b.encoded));
    child.stdin!.write(payload, (error) => {
      if (error) for (const b of sent) b.onError(error);
    });
  };
  return {
    kind: "python",
    child,
    ready,
    usable: false,
    running: 0,
    connected: () => open && child.stdin!.writable,
    send(request, onError) {
      const encoded = encodeRequest(request);
      if (encoded === undefined) return false;
      if (batch.length === 0) setImmediate(flush);
      batch.push({ encoded, onError });
      return true;
    },
    close: () => {
      if (batch.length > 0) flush();
      child.stdin!.end();
    },
  };
}

function startNodeHelper(onMessage: (m: HelperMessage) => void): Helper | undefined {
  const entry = helperFile("spawn-server.js");
  if (!entry) return undefined;
  const child = fork(entry, [], { execArgv: [], stdio: ["ignore", "ignore", "inherit", "ipc"] });
  child.on("message", onMessage);
  return {
    kind: "node",
    child,
    ready: Promise.resolve(true),
    usable: false,
    running: 0,
    connected: () => child.connected,
    send(request, onError) {
      child.send(request, (error) => error && onError(error));
      return true;
    },
    close: () => child.connected && child.disconnect(),
  };
}

function chosenKind(): SpawnHelperKind {
  const wanted = process.env.GROVE_SPAWN_HELPER;
  return wanted === "node" || wanted === "none" ? wanted : "python";
}

/** Starts `count` helpers: Python ones, or else Node ones (0: none, fork from here). */
export function startSpawner(count: number, kind: SpawnHelperKind = chosenKind()): Spawner {
  const pending = new Map<number, Pending>();
  const helpers: Helper[] = [];
  let nextId = 1;
  let turn = 0;
  const counts: LaunchCounts = { helper: 0, direct: 0 };
  const direct: Launcher = (request) => {
    counts.direct++;
    return launchDirect(request);
  };

  const onMessage = (message: HelperMessage) => {
    const p = pending.get(message.id);
    if (!p) return;
    if (message.type === "spawned") p.spawned(message.pid, message.startTicks);
    else if (message.type === "failed") {
      pending.delete(message.id);
      p.helper.running--;
      p.failed(new Error(message.message));
    } else {
      pending.delete(message.id);
      p.helper.running--;
      p.exited(message.exit);
    }
  };
  const remove = (helper: Helper) => {
    const at = helpers.indexOf(helper);
    if (at >= 0) helpers.splice(at, 1);
  };
  const onGone = (helper: Helper) => {
    remove(helper);
    for (const [id, p] of pending) {
      if (p.helper !== helper) continue;
      pending.delete(id);
      p.failed(new Error(LOST.error!.message));
      p.exited(LOST);
    }
  };
  const add = (helper: Helper | undefined): Helper | undefined => {
    if (!helper) return undefined;
    helper.child.once("exit", () => onGone(helper));
    helper.child.once("error", () => onGone(helper));
    void helper.ready.then((ok) => {
      helper.usable = ok;
    });
    helpers.push(helper);
    return helper;
  };
  const startNode = () => {
    for (let i = 0; i < count; i++) add(startNodeHelper(onMessage));
  };
  // `count` helpers of either kind. One Python helper is a single server for every lane: under load
  // each start waited for the others' (posix_spawn returns once the child has exec'd), and a run took
  // 1.5-1.6x as long as with two (bench/overhead.ts, a loaded 2-core VM); a command goes to the helper
  // with the fewest running.
  const pythons: Helper[] = [];
  if (kind === "python" && count > 0) {
    for (let i = 0; i < count; i++) {
      const helper = add(startPythonHelper(onMessage));
      if (helper) pythons.push(helper);
    }
  }
  if (pythons.length > 0) {
    // A Python that cannot do the job (older than 3.8) says so by exiting: Node helpers take its place.
    void pythons[0]!.ready.then((ok) => {
      if (ok) return;
      for (const p of pythons) remove(p);
      startNode();
    });
  } else if (kind !== "none") startNode();

  /**
   * The helper with the fewest commands running among those known to be ready (the one that answers
   * soonest); before any is, the next in turn once it is. Ones that cannot serve are dropped.
   */
  const choose = async (): Promise<Helper | undefined> => {
    let best: Helper | undefined;
    for (const candidate of helpers) {
      if (candidate.usable && candidate.connected() && (!best || candidate.running < best.running))
        best = candidate;
    }
    if (best) return best;
    while (helpers.length > 0) {
      const candidate = helpers[turn++ % helpers.length]!;
      if ((await candidate.ready) && candidate.connected()) return candidate;
      remove(candidate);
    }
    return undefined;
  };

  const launch: Launcher = async (request) => {
    const helper = await choose();
    if (!helper) return direct(request);
    counts.helper++;
    const id = nextId++;
    const chosen = helper;
    let exited!: (exit: ProcessExit) => void;
    const exit = new Promise<ProcessExit>((resolve) => {
      exited = resolve;
    });
    return new Promise<Launched>((resolve, reject) => {
      chosen.running++;
      pending.set(id, {
        helper: chosen,
        spawned: (pid, startTicks) =>
          resolve({
            ...(pid !== undefined ? { pid } : {}),
            ...(startTicks !== undefined ? { startTicks } : {}),
            exited: exit,
          }),
        failed: reject,
        exited,
      });
      const fallBack = () => {
        pending.delete(id);
        chosen.running--;
        counts.helper--;
        direct(request).then(resolve, reject);
      };
      if (!chosen.send({ id, ...request }, fallBack)) fallBack();
    });
  };

  return {
    launch,
    get helperPids() {
      return helpers.flatMap((h) => (h.child.pid !== undefined ? [h.child.pid] : []));
    },
    async kind() {
      // Once every helper has answered (Node helpers may have replaced a Python that could not serve).
      for (;;) {
        const all = [...helpers];
        const ready = await Promise.all(all.map((h) => h.ready));
        const found = all.find((_, i) => ready[i]);
        if (found) return found.kind;
        if (helpers.every((h) => all.includes(h))) return "none";
      }
    },
    close() {
      for (const helper of helpers) helper.close();
    },
    counts: () => ({ ...counts }),
  };
}
