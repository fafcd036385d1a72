/** The last lines of a log file, read from its end (logs may be large; only the tail is kept in memory). */
import { closeSync, fstatSync, openSync, readSync, statSync } from "node:fs";

/** `knownBytes`: the file's size when the caller already knows it (0 spares the stat too). */
export function readTail(path: string, maxLines = 30, maxBytes = 8192, knownBytes?: number): string {
  if (knownBytes === 0) return "";
  let fd: number;
  try {
    // Many commands print nothing: one stat instead of open, fstat, read and close.
    if (!statSync(path, { throwIfNoEntry: false })?.size) return "";
    fd = openSync(path, "r");
  } catch {
    return "";
  }
  try {
    const size = fstatSync(fd).size;
    const length = Math.min(size, maxBytes);
    const buffer = Buffer.alloc(length);
    readSync(fd, buffer, 0, length, size - length);
    let text = buffer.toString("utf8");
    if (length < size) text = text.slice(text.indexOf("\n") + 1);
    const lines = text.replace(/\n$/, "").split("\n");
    return lines.slice(-maxLines).join("\n");
  } finally {
    closeSync(fd);
  }
}
