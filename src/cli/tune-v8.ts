/**
 * V8 tuned for a short-lived orchestrator on few cores, before anything else is compiled (A/B measured,
 * interleaved runs):
 * - (memory-saving mode is for large runs only: run-command.ts turns it on once the plan is known);
 * - a 4.4x larger interrupt budget, so that only really hot functions reach the optimizing compiler: its
 *   background threads took ~19% of all CPU in a 1,000-scenario run (perf), competing with the commands
 *   on two cores. 1,000 no-op scenarios: 1.00 s instead of 1.12 s; 10,000: equal or faster; planning
 *   10,000: equal. (Capping V8 at its baseline compiler was faster at 1,000 but 20-25% slower at 10,000.)
 *
 * V8 accepts a code cache only under the flags it was made with (code-cache.ts), so the `grove` bin
 * sets these before it compiles the bundled CLI, and the build's warm-up runs the same bin.
 */
import v8 from "node:v8";

export function tuneV8(): void {
  v8.setFlagsFromString("--interrupt-budget=300000");
}
