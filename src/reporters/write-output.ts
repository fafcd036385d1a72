/** Writing one output file at the end of a run, with a failure of the disk said in terms of that file. */
import { environmentErrorFrom } from "../errors.js";
import { writeFileAtomic } from "../util/atomic-write.js";

/**
 * Writes `content` atomically to `path`. ENOSPC, EACCES and the like become an EnvironmentError that
 * names `path` (not the temp file beside it) and says the previous content is intact.
 */
export function writeOutputFile(path: string, content: string): void {
  try {
    writeFileAtomic(path, content);
  } catch (error) {
    throw environmentErrorFrom(error, `writing ${path} (its previous content is intact)`) ?? error;
  }
}
