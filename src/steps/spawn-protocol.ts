/**
 * Messages between Grove and its spawn helpers: objects over IPC for the Node helper; for the Python
 * helper, a length-framed request and one answer line each (encodeRequest, decodeAnswer).
 */
import type { LaunchRequest, ProcessExit } from "./launch-process.js";

export interface SpawnRequest extends LaunchRequest {
  id: number;
}

export type HelperMessage =
  /** The command started (pid set) or could not start (no pid; an "exited" with the error follows). */
  | { id: number; type: "spawned"; pid?: number; startTicks?: number }
  | { id: number; type: "exited"; exit: ProcessExit }
  /** The request itself failed (e.g. the log file could not be opened). */
  | { id: number; type: "failed"; message: string };

/**
 * A request for the Python helper: "<byte length>\n" and NUL-separated fields (see spawn-helper.py).
 * Undefined when a field cannot travel that way (a NUL byte, an env name with "="): a request the
 * operating system would refuse anyway, which launchDirect then reports.
 */
export function encodeRequest(request: SpawnRequest): Buffer | undefined {
  const env = Object.entries(request.env);
  if (env.some(([name]) => name.includes("=") || name === "")) return undefined;
  const fields = [
    String(request.id),
    request.cwd,
    request.logPath,
    String(env.length),
    ...env.map(([name, value]) => `${name}=${value}`),
    String(request.argv.length),
    ...request.argv,
  ];
  const record = fields.join("\0");
  // As many NULs as separators: no field holds one.
  let nuls = 0;
  for (let at = record.indexOf("\0"); at >= 0; at = record.indexOf("\0", at + 1)) nuls++;
  if (nuls !== fields.length - 1) return undefined;
  return Buffer.from(`${Buffer.byteLength(record)}\n${record}`);
}

/** One answer line of the Python helper ("E" is a start that failed: no pid, then the error). */
export function decodeAnswer(line: string): HelperMessage[] {
  const [kind, idText, a = "", ...rest] = line.split(" ");
  const id = Number(idText);
  if (!Number.isInteger(id)) return [];
  switch (kind) {
    case "S":
      return [
        {
          id,
          type: "spawned",
          pid: Number(a),
          ...(rest[0] !== undefined && /^\d+$/.test(rest[0]) ? { startTicks: Number(rest[0]) } : {}),
        },
      ];
    case "E":
      return [
        { id, type: "spawned" },
        {
          id,
          type: "exited",
          exit: { exitCode: null, signal: null, error: { code: a, message: rest.join(" ") } },
        },
      ];
    case "F":
      return [{ id, type: "failed", message: [a, ...rest].join(" ") }];
    case "X": {
      const [signal = "-", left, bytes, adopted] = rest;
      return [
        {
          id,
          type: "exited",
          exit: {
            exitCode: a === "-" ? null : Number(a),
            signal: signal === "-" ? null : signal,
            ...(left === "0" || left === "1" ? { groupLeft: left === "1" } : {}),
            ...(bytes !== undefined && /^\d+$/.test(bytes) ? { logBytes: Number(bytes) } : {}),
            ...(adopted === "0" || adopted === "1" ? { adopted: adopted === "1" } : {}),
          },
        },
      ];
    }
    default:
      return [];
  }
}
