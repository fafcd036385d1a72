/**
 * The inspector URL a grove command prints on a line of its own (`grove run --inspect`, `grove
 * inspect`), waited for on its stdout. Shared by the browser tests and bench/inspector.ts (which
 * compiles this file with it).
 */
import type { ChildProcess } from "node:child_process";

/**
 * Resolves with the URL once printed; rejects if the command exits first, with what it printed.
 * Call it as soon as the command is started, before any await: output printed before the listener
 * is attached is not seen again.
 */
export function inspectorUrlOf(child: Pick<ChildProcess, "stdout" | "on">): Promise<string> {
  return new Promise((resolve, reject) => {
    let out = "";
    child.stdout!.on("data", (d: Buffer) => {
      out += d.toString();
      const m = /^(http:\/\/127\.0\.0\.1:\d+\/\?token=[0-9a-f]+)$/m.exec(out);
      if (m) resolve(m[1]!);
    });
    child.on("exit", () => reject(new Error(`grove exited before printing a URL:\n${out}`)));
  });
}
