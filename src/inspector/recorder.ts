/**
 * Records a run for the visualizer: a compact NDJSON stream in the run directory (`events.ndjson`) of
 * Grove events and XState inspection events (actor created, event received, state entered), each with
 * a timestamp, plus the definitions of the machines the run compiled (`machines.json`). Logs are
 * linked (their paths), never copied. Lines are written in batches; live listeners (the inspector
 * server) get every record at once.
 */
import { closeSync, mkdirSync, openSync, writeSync } from "node:fs";
import { join } from "node:path";
import type { InspectionEvent } from "xstate";
import type { GroveEvent } from "../events.js";
import type { Reporter } from "../reporters/reporter.js";
import { writeFileAtomic } from "../util/atomic-write.js";
import type { MachineDescription } from "./describe-machine.js";

/** One line of events.ndjson. */
export type RecordLine =
  | { t: number; k: "grove"; e: GroveEvent }
  | { t: number; k: "actor"; a: string }
  | { t: number; k: "event"; a: string; ev: string }
  /**
   * A state entered: one line per microstep, so transient states (`settle`, `retrying`, reached and
   * left by eventless transitions within one event) are recorded too. `x` lists the transitions taken
   * as "source>target" paths, so the page marks the edges of the path exactly.
   */
  | { t: number; k: "state"; a: string; v: unknown; s: string; x?: string[] };

export interface RunDefinitions {
  runId: string;
  scenarioMachine: MachineDescription;
  worktreeMachine: MachineDescription;
  scenarios: {
    name: string;
    worktree: string;
    dependencies: string[];
    description: string;
    tags?: string[];
  }[];
  worktrees: string[];
}

interface TakenTransition {
  source: { path: readonly string[] };
  target?: readonly { path: readonly string[] }[] | undefined;
}

const describeTaken = (t: TakenTransition) =>
  `${t.source.path.join(".")}>${(t.target ?? []).map((n) => n.path.join(".")).join(",")}`;

/** Recorded lines reach the file within this many milliseconds, or once this many are waiting. */
const FLUSH_MS = 50;
const FLUSH_LINES = 2000;

/** The recorder is a reporter (Grove events in, closed at the end) plus XState's inspection stream. */
export class RunRecorder implements Reporter {
  private out: number | undefined;
  private readonly listeners = new Set<(line: RecordLine, json: string) => void>();
  private readonly lastState = new Map<string, string>();
  /**
   * Everything recorded so far as JSON, one string per line, when retained (the live server and the
   * HTML report need it): serialised once, and far smaller on the coordinator's heap than objects.
   */
  readonly lines: string[] = [];
  /** Keep lines in memory; off by default so a long run's memory stays flat (the file has them all). */
  retain = false;

  constructor(
    readonly runDir: string,
    readonly definitions: RunDefinitions,
  ) {
    mkdirSync(runDir, { recursive: true });
    writeFileAtomic(join(runDir, "machines.json"), `${JSON.stringify(definitions)}\n`);
    this.out = openSync(join(runDir, "events.ndjson"), "w");
  }

  private pending: string[] = [];
  private flushTimer: NodeJS.Timeout | undefined;

  private write(line: RecordLine): void {
    const json = JSON.stringify(line);
    if (this.retain) this.lines.push(json);
    // Serialised now, written in batches: one write at most every FLUSH_MS (measured in
    // bench/overhead.ts, a write per tick cost ~7% of a 1,000-scenario run). Live listeners get every
    // line at once; close() writes what is left.
    this.pending.push(json);
    if (this.pending.length >= FLUSH_LINES) this.flush();
    else this.flushTimer ??= setTimeout(() => this.flush(), FLUSH_MS).unref();
    for (const l of this.listeners) l(line, json);
  }

  private flush(): void {
    if (this.flushTimer) clearTimeout(this.flushTimer);
    this.flushTimer = undefined;
    if (this.pending.length === 0 || this.out === undefined) return;
    writeSync(this.out, `${this.pending.join("\n")}\n`);
    this.pending = [];
  }

  /** Every line as it is recorded, with its JSON (serialised once for the file and every listener). */
  onLine(listener: (line: RecordLine, json: string) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Records one Grove event. */
  onEvent = (e: GroveEvent): void => this.write({ t: Date.now(), k: "grove", e });

  /** The run is over: write what is waiting and close the file (retained lines stay readable). */
  onEnd(): Promise<void> {
    return this.close();
  }

  /**
   * XState's inspection API: actor created, event received, and every state entered (each microstep,
   * plus the initial snapshot, which has no microstep).
   */
  inspect = (event: InspectionEvent, actor: string): void => {
    // Only the machines themselves (the root of each actor system), not their invoked promise actors.
    if ((event.actorRef as { sessionId?: string }).sessionId !== event.rootId) return;
    if (event.type === "@xstate.actor") this.write({ t: Date.now(), k: "actor", a: actor });
    else if (event.type === "@xstate.event")
      this.write({ t: Date.now(), k: "event", a: actor, ev: event.event.type });
    else if (event.type === "@xstate.microstep") {
      const snap = event.snapshot as { value?: unknown; status?: string };
      const taken = (event as { _transitions?: readonly TakenTransition[] })._transitions ?? [];
      this.state(actor, snap, taken.map(describeTaken));
    } else if (event.type === "@xstate.snapshot")
      this.state(actor, event.snapshot as { value?: unknown; status?: string }, undefined);
  };

  private state(actor: string, snap: { value?: unknown; status?: string }, taken: string[] | undefined) {
    if (snap.value === undefined) return;
    const key = typeof snap.value === "string" ? snap.value : JSON.stringify(snap.value);
    if (this.lastState.get(actor) === key) return;
    this.lastState.set(actor, key);
    this.write({
      t: Date.now(),
      k: "state",
      a: actor,
      v: snap.value,
      s: snap.status ?? "active",
      ...(taken?.length ? { x: taken } : {}),
    });
  }

  /** A machine stepped without an actor (a scenario that is not running): recorded like an inspected one. */
  step = (actor: string, event: string, value: unknown, status: string): void => {
    this.write({ t: Date.now(), k: "event", a: actor, ev: event });
    this.state(actor, { value, status }, undefined);
  };

  async close(): Promise<void> {
    this.flush();
    if (this.out !== undefined) closeSync(this.out);
    this.out = undefined;
  }
}
