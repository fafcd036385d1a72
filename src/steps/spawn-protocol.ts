/** Messages between Grove and its spawn helpers (IPC, JSON). */
import type { LaunchRequest, ProcessExit } from "./launch-process.js";

export interface SpawnRequest extends LaunchRequest {
  id: number;
}

export type HelperMessage =
  /** The command started (pid set) or could not start (no pid; an "exited" with the error follows). */
  | { id: number; type: "spawned"; pid?: number }
  | { id: number; type: "exited"; exit: ProcessExit }
  /** The request itself failed (e.g. the log file could not be opened). */
  | { id: number; type: "failed"; message: string };
