/**
 * Ctrl-C (SIGINT) and SIGTERM for a command that runs processes: the first signal asks it to stop
 * (its running steps get TERM, a grace, then KILL), the second ends every process group at once and,
 * should anything still hold the command up (a stuck file system, say), exits 130 shortly after.
 * Not responsible for what stopping means: the command passes the two signals on.
 */
import type { CommandIo } from "./commands/command-io.js";
import { EXIT } from "./exit-codes.js";

/** After a second Ctrl-C, Grove exits this soon even if the partial report is not written yet. */
const HARD_STOP_EXIT_MS = 1500;

/** The two stops and how to stop listening. */
export interface Interrupts {
  /** Aborted on the first signal. */
  interrupt: AbortSignal;
  /** Aborted on the second. */
  hardStop: AbortSignal;
  dispose(): void;
}

/** Listens for SIGINT and SIGTERM; `stopping` says what the first one does (after "grove: SIGINT: "). */
export function listenForInterrupts(io: CommandIo, stopping: string): Interrupts {
  const interrupt = new AbortController();
  const hardStop = new AbortController();
  let signals = 0;
  const onSignal = (signal: NodeJS.Signals) => {
    signals++;
    if (signals === 1) {
      io.stderr(`\ngrove: ${signal}: ${stopping} (press Ctrl-C again to end at once)\n`);
      interrupt.abort();
    } else {
      io.stderr(`\ngrove: ${signal} again: ending every process now\n`);
      hardStop.abort();
      // Every group got SIGKILL, so the command ends within moments; nothing may keep Grove from exiting.
      setTimeout(() => process.exit(EXIT.interrupted), HARD_STOP_EXIT_MS).unref();
    }
  };
  process.on("SIGINT", onSignal);
  process.on("SIGTERM", onSignal);
  return {
    interrupt: interrupt.signal,
    hardStop: hardStop.signal,
    dispose: () => {
      process.off("SIGINT", onSignal);
      process.off("SIGTERM", onSignal);
    },
  };
}
