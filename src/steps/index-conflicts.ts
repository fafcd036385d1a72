/**
 * Whether a worktree's index certainly holds no unmerged entries, read from the index file itself
 * (https://git-scm.com/docs/index-format, versions 2-4) instead of starting `git ls-files --unmerged`:
 * that git process was one of the few a run starts, each ~5 ms of the run's one thread, before its
 * first scenario. Only the answer "none" is given from the file; anything else (an unmerged entry, a
 * split index whose entries live in another file, an index this does not recognise, git redirected by
 * its environment) says "ask git", which also lists the paths.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { gitDirsOf } from "./git-dirs.js";

/** Stage bits of an entry's flags: non-zero for the sides of an unmerged path. */
const STAGE_MASK = 0x3000;
const EXTENDED_FLAG = 0x4000;
/** Fixed part of an entry before its path: times, ids, mode, sizes, object id (SHA-1), flags. */
const ENTRY_FIXED = 62;
/** The checksum at the end of the file (SHA-1; a SHA-256 repository's is longer and is skipped alike). */
const TRAILER = 20;

/** True only when the index is read to its end and no entry has a stage other than 0. */
export function indexHasNoUnmergedEntries(worktree: string): boolean {
  if (process.env.GIT_DIR || process.env.GIT_INDEX_FILE || process.env.GIT_WORK_TREE) return false;
  let index: Buffer;
  try {
    index = readFileSync(join(gitDirsOf(worktree).adminDir, "index"));
  } catch {
    return false;
  }
  return noUnmergedEntries(index);
}

/** The parse behind indexHasNoUnmergedEntries, on the index file's bytes. */
export function noUnmergedEntries(index: Buffer): boolean {
  if (index.length < 12 + TRAILER || index.toString("latin1", 0, 4) !== "DIRC") return false;
  const version = index.readUInt32BE(4);
  if (version < 2 || version > 4) return false;
  const count = index.readUInt32BE(8);
  let offset = 12;
  for (let i = 0; i < count; i++) {
    if (offset + ENTRY_FIXED > index.length) return false;
    const flags = index.readUInt16BE(offset + ENTRY_FIXED - 2);
    if ((flags & STAGE_MASK) !== 0) return false;
    let path = offset + ENTRY_FIXED;
    if (flags & EXTENDED_FLAG) {
      if (version < 3) return false;
      path += 2;
    }
    if (version === 4) {
      // A varint (how much of the previous path to drop), then the rest of the path, NUL-terminated.
      while (path < index.length && (index[path]! & 0x80) !== 0) path++;
      const end = index.indexOf(0, path + 1);
      if (end < 0) return false;
      offset = end + 1;
    } else {
      // The path, NUL-terminated and padded with NULs to a multiple of 8 bytes from the entry's start.
      const end = index.indexOf(0, path);
      if (end < 0) return false;
      offset += (end - offset + 1 + 7) & ~7;
    }
  }
  // Extensions: a split index ("link") keeps most entries in a shared index file, not read here.
  while (offset + 8 + TRAILER <= index.length) {
    if (index.toString("latin1", offset, offset + 4) === "link") return false;
    offset += 8 + index.readUInt32BE(offset + 4);
  }
  return offset <= index.length;
}
