/** Writing one output file at the end of a run, with a failure of the disk said in terms of that file. */
import { environmentErrorFrom } from "../errors.js";
import { copyFileAtomic, writeFileAtomic, writePiecesAtomic } from "../util/atomic-write.js";

/**
 * Writes `content` atomically to `path`. ENOSPC, EACCES and the like become an EnvironmentError that
 * names `path` (not the temp file beside it) and says the previous content is intact.
 */
export function writeOutputFile(path: string, content: string | Iterable<string>): void {
  try {
    if (typeof content === "string") writeFileAtomic(path, content);
    else writePiecesAtomic(path, content);
  } catch (error) {
    throw environmentErrorFrom(error, `writing ${path} (its previous content is intact)`) ?? error;
  }
}

/** Copies an output file already written to another `path`, atomically, with the same errors. */
export function copyOutputFile(from: string, path: string): void {
  try {
    copyFileAtomic(from, path);
  } catch (error) {
    throw environmentErrorFrom(error, `writing ${path} (its previous content is intact)`) ?? error;
  }
}
