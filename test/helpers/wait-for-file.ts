/** Waiting on a file a fixture writes (never a fixed sleep): the one waitForFile, and the gate's pids. */
import { existsSync, readFileSync } from "node:fs";

export { waitForFile } from "./wait-for.js";

/** The pids a gate fixture wrote (one a line). */
export function pidsIn(path: string): number[] {
  return existsSync(path) ? readFileSync(path, "utf8").split("\n").filter(Boolean).map(Number) : [];
}
