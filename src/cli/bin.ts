#!/usr/bin/env node
/**
 * The `grove` program: V8 tuned (tune-v8.ts) before the CLI is loaded, output batched, `main` run.
 * The build bundles it with everything it loads into dist/cli/grove-bundle.cjs, which the `grove` bin
 * (grove.ts) runs with a code cache; `node dist/cli/bin.js` runs the same program unbundled.
 */
import { tuneV8 } from "./tune-v8.js";

tuneV8();

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

// Loaded after V8 is tuned (a static import would be loaded first). Not a top-level await: the
// bundle is CommonJS, which a code cache needs (code-cache.ts).
void Promise.all([import("./main.js"), import("./exit-codes.js")]).then(([{ main }, { EXIT }]) =>
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
  ),
);
