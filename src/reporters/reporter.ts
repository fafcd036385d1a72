/**
 * The one interface every output of a run implements (lage's reporters, nx's `LifeCycle`): events in,
 * in the order the run emits them, then the final report once. Console, JSON, JUnit, timings, the
 * inspector's recorder and the HTML report are all reporters; a run knows only the composite.
 *
 * A reporter never reaches into the scheduler or the machines: what it needs is in the events (see
 * `events.ts`) or in the report. It is not responsible for the exit code (`src/exit-codes.ts` is).
 */
import type { GroveEvent } from "../events.js";
import type { Report } from "./build-report.js";

/** A subscriber of one run. Both methods are optional; neither may assume the other was called. */
export interface Reporter {
  /** Every event of the run, synchronously and in order; keep it cheap (it runs on the scheduler's thread). */
  onEvent?(event: GroveEvent): void;
  /**
   * Once, after the run-finished event, with the final report (carried `--resume` results included).
   * May write files; a throw fails the command, but the reporters after it still run, told what the
   * ones before them threw (`failed`), so the summary can say which file was not written.
   */
  onEnd?(report: Report, failed?: readonly unknown[]): void | Promise<void>;
}

/**
 * Fans one run out to many reporters, in the order given (nx `CompositeLifeCycle`). Put the reporters
 * that write files before the console, whose summary names those files.
 */
export class CompositeReporter implements Reporter {
  private readonly reporters: readonly Reporter[];

  constructor(reporters: readonly (Reporter | undefined)[]) {
    this.reporters = reporters.filter((r): r is Reporter => r !== undefined);
  }

  /** The first error a reporter's onEvent threw: thrown at the end, as one from onEnd is. */
  private eventError: { error: unknown } | undefined;

  /**
   * Each reporter gets every event even after one throws: events arrive inside the machines'
   * subscriptions (scenarios and worktrees), where a throw would escape into XState and end Grove
   * with its commands running. The run goes on; the command fails at the end with that error.
   */
  onEvent(event: GroveEvent): void {
    for (const r of this.reporters) {
      try {
        r.onEvent?.(event);
      } catch (error) {
        this.eventError ??= { error };
      }
    }
  }

  /** Runs every reporter's onEnd, even after one throws; then throws the first error (events' first). */
  async onEnd(report: Report, failedBefore: readonly unknown[] = []): Promise<void> {
    const failed: unknown[] = [...failedBefore];
    if (this.eventError) failed.push(this.eventError.error);
    for (const r of this.reporters) {
      try {
        await r.onEnd?.(report, failed);
      } catch (error) {
        failed.push(error);
      }
    }
    if (failed.length > failedBefore.length) throw failed[failedBefore.length];
  }
}
