/** Write a file so that readers see either the old or the new content, never a torn one. */
import { randomBytes } from "node:crypto";
import {
  closeSync,
  copyFileSync,
  mkdirSync,
  openSync,
  renameSync,
  rmSync,
  writeFileSync,
  writeSync,
} from "node:fs";
import { basename, dirname, join } from "node:path";

/** Text gathered before one write when writing pieces (a few hundred KB: few syscalls, a small heap). */
const WRITE_BYTES = 256 * 1024;

/** Writes through a temp file beside `path`, renamed over it once `fill` has written it whole. */
function throughTemp(path: string, fill: (tmp: string) => void): void {
  mkdirSync(dirname(path), { recursive: true });
  const tmp = join(dirname(path), `.${basename(path)}.${process.pid}.${randomBytes(4).toString("hex")}.tmp`);
  try {
    fill(tmp);
    renameSync(tmp, path);
  } catch (error) {
    rmSync(tmp, { force: true });
    throw error;
  }
}

export function writeFileAtomic(path: string, content: string): void {
  throughTemp(path, (tmp) => writeFileSync(tmp, content));
}

/** Like writeFileAtomic, from pieces of text (never joined into one string). */
export function writePiecesAtomic(path: string, pieces: Iterable<string>): void {
  throughTemp(path, (tmp) => {
    const fd = openSync(tmp, "w");
    try {
      const write = (text: string) => {
        const bytes = Buffer.from(text);
        for (let at = 0; at < bytes.length; ) at += writeSync(fd, bytes, at);
      };
      let pending = "";
      for (const piece of pieces) {
        pending += piece;
        if (pending.length >= WRITE_BYTES) {
          write(pending);
          pending = "";
        }
      }
      if (pending) write(pending);
    } finally {
      closeSync(fd);
    }
  });
}

/** Copies the file `from` to `path` atomically (a second copy of a report, without writing it again). */
export function copyFileAtomic(from: string, path: string): void {
  throughTemp(path, (tmp) => copyFileSync(from, tmp));
}
