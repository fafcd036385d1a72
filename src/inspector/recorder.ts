/**
 * Records a run for the visualizer: a compact NDJSON stream in the run directory (`events.ndjson`) of
 * Grove events and XState inspection events (actor created, event received, state entered), each with
 * a timestamp, plus the definitions of the machines the run compiled (`machines.json`). Logs are
 * linked (their paths), never copied. Writes go through one buffered stream; live listeners (the
 * inspector server) get every record as it is written.
 */
import { createWriteStream, mkdirSync, type WriteStream } from "node:fs";
import { join } from "node:path";
import type { InspectionEvent } from "xstate";
import type { GroveEvent } from "../events.js";
import { writeFileAtomic } from "../util/atomic-write.js";
import type { MachineDescription } from "./describe-machine.js";

/** One line of events.ndjson. */
export type RecordLine =
  | { t: number; k: "grove"; e: GroveEvent }
  | { t: number; k: "actor"; a: string }
  | { t: number; k: "event"; a: string; ev: string }
  | { t: number; k: "state"; a: string; v: unknown; s: string };

export interface RunDefinitions {
  runId: string;
  scenarioMachine: MachineDescription;
  worktreeMachine: MachineDescription;
  scenarios: { name: string; worktree: string; dependencies: string[]; description: string }[];
  worktrees: string[];
}

export class RunRecorder {
  private readonly out: WriteStream;
  private readonly listeners = new Set<(line: RecordLine) => void>();
  private readonly lastState = new Map<string, string>();
  /** Everything recorded so far, when retained (the live server and the HTML report need it). */
  readonly lines: RecordLine[] = [];
  /** Keep lines in memory; off by default so a long run's memory stays flat (the file has them all). */
  retain = false;

  constructor(
    readonly runDir: string,
    readonly definitions: RunDefinitions,
  ) {
    mkdirSync(runDir, { recursive: true });
    writeFileAtomic(join(runDir, "machines.json"), `${JSON.stringify(definitions)}\n`);
    this.out = createWriteStream(join(runDir, "events.ndjson"), { flags: "w" });
  }

  private pending: string[] = [];
  private flushScheduled = false;

  private write(line: RecordLine): void {
    if (this.retain) this.lines.push(line);
    // Serialised and written once per tick: one write call for many lines keeps recording cheap.
    this.pending.push(JSON.stringify(line));
    if (!this.flushScheduled) {
      this.flushScheduled = true;
      setImmediate(() => this.flush());
    }
    for (const l of this.listeners) l(line);
  }

  private flush(): void {
    this.flushScheduled = false;
    if (this.pending.length === 0) return;
    this.out.write(`${this.pending.join("\n")}\n`);
    this.pending = [];
  }

  onLine(listener: (line: RecordLine) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  grove = (e: GroveEvent): void => this.write({ t: Date.now(), k: "grove", e });

  /** XState's inspection API: actor created, event received, snapshot (recorded when the state changes). */
  inspect = (event: InspectionEvent, actor: string): void => {
    // Only the machines themselves (the root of each actor system), not their invoked promise actors.
    if ((event.actorRef as { sessionId?: string }).sessionId !== event.rootId) return;
    if (event.type === "@xstate.actor") this.write({ t: Date.now(), k: "actor", a: actor });
    else if (event.type === "@xstate.event")
      this.write({ t: Date.now(), k: "event", a: actor, ev: event.event.type });
    else if (event.type === "@xstate.snapshot") {
      const snap = event.snapshot as { value?: unknown; status?: string };
      if (snap.value === undefined) return;
      const key = JSON.stringify(snap.value);
      if (this.lastState.get(actor) === key) return;
      this.lastState.set(actor, key);
      this.write({ t: Date.now(), k: "state", a: actor, v: snap.value, s: snap.status ?? "active" });
    }
  };

  async close(): Promise<void> {
    this.flush();
    await new Promise<void>((resolve) => this.out.end(resolve));
  }
}
