/** Runs the built `grove` CLI as a real child process. */
import { execa } from "execa";
import { GROVE_BIN } from "./paths.js";

export async function runGrove(args: string[], cwd: string, env: Record<string, string> = {}) {
  const r = await execa(process.execPath, [GROVE_BIN, ...args], {
    cwd,
    reject: false,
    env: { ...env, NO_COLOR: "1" },
    stdin: "ignore",
  });
  return { exitCode: r.exitCode, stdout: String(r.stdout), stderr: String(r.stderr) };
}

/** Starts the built CLI in the background (for tests that signal it or read it as it runs). */
export function spawnGrove(args: string[], cwd: string) {
  return execa(process.execPath, [GROVE_BIN, ...args], { cwd, reject: false, env: { NO_COLOR: "1" } });
}

/** Resolves once the child's stdout so far satisfies `ready`. */
export function waitForOutput(
  child: { stdout: NodeJS.ReadableStream | null },
  ready: (seen: string) => boolean,
): Promise<string> {
  return waitForStream(child.stdout!, ready);
}

/** Resolves once the text read from `stream` since this call satisfies `ready`. */
export function waitForStream(
  stream: NodeJS.ReadableStream,
  ready: (seen: string) => boolean,
): Promise<string> {
  return new Promise((resolve) => {
    let seen = "";
    const onData = (d: Buffer) => {
      seen += d.toString();
      if (ready(seen)) {
        stream.off("data", onData);
        resolve(seen);
      }
    };
    stream.on("data", onData);
  });
}
