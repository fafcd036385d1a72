/**
 * What every run that starts processes holds while it lasts, opened and closed in one place: its entry
 * in the run registry (so the next Grove command can clean up after it if it is killed), the journal of
 * the process groups it starts, and its leak tracker (with the run's temp dir). `grove run`
 * (run/execute-run.ts) and `grove worktrees setup/pull` (run/worktree-operations.ts) both run inside
 * one, through `withRunSession`, so their teardown is the same, in the same order, on success, failure
 * and interrupt.
 *
 * Not responsible for: what the run does with them (scheduling, worktrees), the spawn helpers
 * (steps/spawner.ts, closed by the run before its session), or ending dead runs (run/dead-runs.ts).
 */
import type { ResourceLeak } from "../events.js";
import { GroupJournal } from "./group-journal.js";
import { LeakTracker } from "./leak-tracker.js";
import { registerRun } from "./run-registry.js";

export interface RunSessionOptions {
  /** The repository's common git dir, where the run registry lives. */
  commonDir: string;
  runId: string;
  runDir: string;
  /** Report leaked processes but leave them running (--keep-leaks). */
  keepLeaks: boolean;
  killGraceMs: number;
  onLeak?(leak: ResourceLeak): void;
  /** Aborted (a second Ctrl-C): SIGKILL to every live process group of the run at once. */
  hardStop?: AbortSignal;
}

/** An open session; `close()` is its one teardown. */
export interface RunSession {
  readonly runId: string;
  readonly runDir: string;
  /** Every process group the run starts, as it starts (for the hard stop and for dead-run cleanup). */
  readonly groups: GroupJournal;
  readonly tracker: LeakTracker;
  /**
   * Ends the session, in this order: stop listening for the hard stop; remove the temp dir (a leak if
   * it cannot be, recorded once: a run that already finished its tracker to report it is not told
   * twice); write the journal's last lines; and last, remove the registry entry, since while it is
   * there a later Grove command that finds this process dead reads the journal to end what it left.
   * Safe to call more than once.
   */
  close(): void;
}

/** Opens a session: registers the run, then starts the journal and the leak tracker. */
export function openRunSession(options: RunSessionOptions): RunSession {
  const unregister = registerRun(options.commonDir, options.runId, options.runDir);
  let groups: GroupJournal | undefined;
  let tracker: LeakTracker | undefined;
  try {
    groups = new GroupJournal(options.runDir);
    tracker = new LeakTracker({
      runId: options.runId,
      keepLeaks: options.keepLeaks,
      killGraceMs: options.killGraceMs,
      ...(options.onLeak ? { onLeak: options.onLeak } : {}),
    });
  } catch (error) {
    // Half open (the run dir or the temp dir could not be made): undo what was opened.
    groups?.close();
    unregister();
    throw error;
  }
  const journal = groups;
  const hardStop = () => journal.killAllNow();
  options.hardStop?.addEventListener("abort", hardStop, { once: true });
  let closed = false;
  return {
    runId: options.runId,
    runDir: options.runDir,
    groups: journal,
    tracker,
    close() {
      if (closed) return;
      closed = true;
      options.hardStop?.removeEventListener("abort", hardStop);
      try {
        tracker.finish();
      } finally {
        try {
          journal.close();
        } finally {
          unregister();
        }
      }
    },
  };
}

/** Runs `body` inside an open session and closes it however `body` ends (returns, throws, is interrupted). */
export async function withRunSession<T>(
  options: RunSessionOptions,
  body: (session: RunSession) => Promise<T>,
): Promise<T> {
  const session = openRunSession(options);
  try {
    return await body(session);
  } finally {
    session.close();
  }
}
