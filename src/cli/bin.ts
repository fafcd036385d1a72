#!/usr/bin/env node
/**
 * The `grove` executable. Before anything is loaded it tunes V8 for a short-lived orchestrator on few
 * cores (A/B measured, interleaved runs):
 * - (memory-saving mode is for large runs only: run-command.ts turns it on once the plan is known);
 * - a 4.4x larger interrupt budget, so that only really hot functions reach the optimizing compiler: its
 *   background threads took ~19% of all CPU in a 1,000-scenario run (perf), competing with the commands
 *   on two cores. 1,000 no-op scenarios: 1.00 s instead of 1.12 s; 10,000: equal or faster; planning
 *   10,000: equal. (Capping V8 at its baseline compiler was faster at 1,000 but 20-25% slower at 10,000.)
 */
import v8 from "node:v8";

v8.setFlagsFromString("--interrupt-budget=300000");

const { main } = await import("./main.js");
const { EXIT } = await import("./exit-codes.js");

/**
 * Output that is not going to a terminal is written in batches: what is written in one turn of the
 * event loop goes out in one write per stream, in the order written across stdout and stderr (a
 * 1,000-scenario run prints 2,000 lines; a write each cost ~50 us of the thread that runs the
 * machines). A terminal gets every write at once (the live board is redrawn in place). What is
 * queued when the process exits is written then.
 */
const queued: { stream: NodeJS.WriteStream; text: string }[] = [];
let flushScheduled = false;
function flushQueued(): void {
  flushScheduled = false;
  let i = 0;
  while (i < queued.length) {
    const { stream } = queued[i]!;
    let text = "";
    for (; i < queued.length && queued[i]!.stream === stream; i++) text += queued[i]!.text;
    stream.write(text);
  }
  queued.length = 0;
}
process.on("exit", flushQueued);

/**
 * A reader that goes away (`grove run | head`) must not crash the run: its processes still need ending
 * and its report writing. Output to a closed stream is dropped from then on.
 */
function writerTo(stream: NodeJS.WriteStream): (text: string) => void {
  let open = true;
  stream.on("error", (error: NodeJS.ErrnoException) => {
    if (error.code !== "EPIPE") throw error;
    open = false;
  });
  if (stream.isTTY)
    return (text) => {
      if (open) stream.write(text);
    };
  return (text) => {
    if (!open) return;
    queued.push({ stream, text });
    if (!flushScheduled) {
      flushScheduled = true;
      setImmediate(flushQueued);
    }
  };
}

main(process.argv.slice(2), {
  cwd: process.cwd(),
  stdout: writerTo(process.stdout),
  stderr: writerTo(process.stderr),
  isTTY: Boolean(process.stdout.isTTY),
  env: process.env,
}).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`grove: internal error: ${String(error)}\n`);
    process.exitCode = EXIT.internal;
  },
);
