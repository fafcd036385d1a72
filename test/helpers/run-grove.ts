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
