/**
 * Records a run for the visualizer: a compact NDJSON stream in the run directory (`events.ndjson`,
 * format in recording-format.ts: repeated strings written once as ids, times relative to the start)
 * of Grove events and XState inspection events (actor created, event received, state entered), plus
 * the definitions of the machines the run compiled (`machines.json`). Logs are linked (their paths),
 * never copied. Lines are written in batches; live listeners (the inspector server) get every line at
 * once.
 */
import { closeSync, mkdirSync, openSync, writeSync } from "node:fs";
import { join } from "node:path";
import type { InspectionEvent } from "xstate";
import type { AttemptResult, GroveEvent } from "../events.js";
import type { Reporter } from "../reporters/reporter.js";
import { writeFileAtomic } from "../util/atomic-write.js";
import type { MachineDescription } from "./describe-machine.js";
import { RECORDING_VERSION, type RecordingHeader, SAME_ATTEMPTS } from "./recording-format.js";

export interface RunDefinitions {
  runId: string;
  /**
   * What to pass to `grove inspect` to replay this run: its id for a run under `.grove/runs`, its
   * directory (quoted for a shell) for one written with `--run-dir`, where the id finds nothing.
   * Absent in recordings made before it existed (the id is meant then).
   */
  replay?: string;
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

/** A transition's text, once per transition: they are the machine's own definitions, taken again and again. */
const takenText = new WeakMap<TakenTransition, string>();
const describeTaken = (t: TakenTransition) => {
  let text = takenText.get(t);
  if (text === undefined) {
    text = `${t.source.path.join(".")}>${(t.target ?? []).map((n) => n.path.join(".")).join(",")}`;
    takenText.set(t, text);
  }
  return text;
};

/**
 * The key of a state value: a top-level state is its name; a nested one (`{running: "test"}`, the
 * common case of a running scenario) its path, written without JSON; anything else its JSON. The
 * leading NUL keeps keys of nested values apart from names.
 */
function stateKey(value: unknown): string {
  if (typeof value === "string") return value;
  if (typeof value === "object" && value !== null) {
    const keys = Object.keys(value);
    const inner = keys.length === 1 ? (value as Record<string, unknown>)[keys[0]!] : undefined;
    if (typeof inner === "string") return `\u0000${keys[0]}\u0000${inner}`;
  }
  return `\u0000${JSON.stringify(value)}`;
}

/** Recorded lines reach the file within this many milliseconds, or once this many are waiting. */
const FLUSH_MS = 50;
const FLUSH_LINES = 2000;

/** The recorder is a reporter (Grove events in, closed at the end) plus XState's inspection stream. */
export class RunRecorder implements Reporter {
  private out: number | undefined;
  private readonly listeners = new Set<(json: string) => void>();
  private readonly lastState = new Map<string, string>();
  /** Interned values (actor names, event types, state values, transitions) by key, and their ids. */
  private readonly ids = new Map<string, number>();
  /** Each running scenario's attempt results as recorded, so its final result need not repeat them. */
  private readonly attempts = new Map<string, AttemptResult[]>();
  private readonly t0 = Date.now();
  /**
   * Everything recorded so far as JSON, one string per line, when retained (the live server and the
   * HTML report need it): serialised once, and far smaller on the coordinator's heap than objects.
   */
  readonly lines: string[] = [];
  private pending: string[] = [];
  /** Keep lines in memory; off by default so a long run's memory stays flat (the file has them all). */
  retain = false;

  constructor(
    readonly runDir: string,
    readonly definitions: RunDefinitions,
  ) {
    mkdirSync(runDir, { recursive: true });
    writeFileAtomic(join(runDir, "machines.json"), `${JSON.stringify(definitions)}\n`);
    this.out = openSync(join(runDir, "events.ndjson"), "w");
    const header: RecordingHeader = { recording: "grove", version: RECORDING_VERSION, t0: this.t0 };
    // Retained whatever `retain` says: a reporter that asks for the lines asks after this.
    this.lines.push(JSON.stringify(header));
    this.pending.push(this.lines[0]!);
  }

  private flushTimer: NodeJS.Timeout | undefined;

  private write(json: string): void {
    if (this.retain) this.lines.push(json);
    // Written in batches: one write at most every FLUSH_MS (measured in bench/overhead.ts, a write per
    // tick cost ~7% of a 1,000-scenario run). Live listeners get every line at once; close() writes
    // what is left.
    this.pending.push(json);
    if (this.pending.length >= FLUSH_LINES) this.flush();
    else this.flushTimer ??= setTimeout(() => this.flush(), FLUSH_MS).unref();
    for (const l of this.listeners) l(json);
  }

  /** The id of a value, written as a definition line the first time it is seen. */
  private id(key: string, value: unknown = key): number {
    let id = this.ids.get(key);
    if (id === undefined) {
      id = this.ids.size;
      this.ids.set(key, id);
      this.write(JSON.stringify(["=", value]));
    }
    return id;
  }

  private flush(): void {
    if (this.flushTimer) clearTimeout(this.flushTimer);
    this.flushTimer = undefined;
    if (this.pending.length === 0 || this.out === undefined) return;
    writeSync(this.out, `${this.pending.join("\n")}\n`);
    this.pending = [];
  }

  /** Every line's JSON as it is recorded (serialised once for the file and every listener). */
  onLine(listener: (json: string) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Records one Grove event (its `at` is the line's time; a final result does not repeat its attempts). */
  onEvent = (e: GroveEvent): void => {
    const { at: _at, ...rest } = e;
    let body: object = rest;
    if (e.type === "attempt-finished") {
      const list = this.attempts.get(e.name) ?? [];
      list.push(e.result);
      this.attempts.set(e.name, list);
    } else if (e.type === "scenario-finished") {
      const seen = this.attempts.get(e.result.name) ?? [];
      this.attempts.delete(e.result.name);
      const same =
        seen.length === e.result.attempts.length && seen.every((a, i) => a === e.result.attempts[i]);
      if (same) body = { type: e.type, result: { ...e.result, attempts: SAME_ATTEMPTS } };
    }
    this.write(`[${Date.now() - this.t0},"g",${JSON.stringify(body)}]`);
  };

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
    if (event.type === "@xstate.actor") this.write(`[${Date.now() - this.t0},"a",${this.id(actor)}]`);
    else if (event.type === "@xstate.event") this.event(actor, event.event.type);
    else if (event.type === "@xstate.microstep") {
      const snap = event.snapshot as { value?: unknown; status?: string };
      const taken = (event as { _transitions?: readonly TakenTransition[] })._transitions ?? [];
      this.state(actor, snap, taken.map(describeTaken));
    } else if (event.type === "@xstate.snapshot")
      this.state(actor, event.snapshot as { value?: unknown; status?: string }, undefined);
  };

  private event(actor: string, type: string): void {
    const a = this.id(actor);
    this.write(`[${Date.now() - this.t0},"e",${a},${this.id(type)}]`);
  }

  private state(
    actor: string,
    snap: { value?: unknown; status?: string },
    taken: readonly string[] | undefined,
  ) {
    if (snap.value === undefined) return;
    const key = stateKey(snap.value);
    if (this.lastState.get(actor) === key) return;
    this.lastState.set(actor, key);
    const a = this.id(actor);
    const v = this.id(key, snap.value);
    const x = taken?.length ? `[${taken.map((t) => this.id(t)).join(",")}]` : "0";
    const status = snap.status && snap.status !== "active" ? `,${this.id(snap.status)}` : "";
    this.write(`[${Date.now() - this.t0},"s",${a},${v},${x}${status}]`);
  }

  /**
   * A machine stepped without an actor (a scenario that is not running): recorded like an inspected
   * one. Its resting states (pending, waiting, queued, and the final skipped and cancelled) are
   * top-level and joined by direct transitions, so the one taken is `previous>next`.
   */
  step = (actor: string, event: string, value: unknown, status: string): void => {
    this.event(actor, event);
    const previous = this.lastState.get(actor);
    const taken =
      typeof value === "string" &&
      previous !== undefined &&
      !previous.startsWith("\u0000") &&
      previous !== value
        ? [`${previous}>${value}`]
        : undefined;
    this.state(actor, { value, status }, taken);
  };

  async close(): Promise<void> {
    this.flush();
    if (this.out !== undefined) closeSync(this.out);
    this.out = undefined;
  }
}
