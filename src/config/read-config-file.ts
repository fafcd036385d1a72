/**
 * Reads a user's config file. "Not there", "not readable", "not a regular file" (a device or pipe
 * such as /dev/zero would never end) and "larger than MAX_CONFIG_BYTES" are clear config errors,
 * decided from the file's metadata before a byte is read.
 */
import { closeSync, constants, fstatSync, openSync, readFileSync } from "node:fs";
import { ConfigError } from "../errors.js";
import { MAX_CONFIG_BYTES } from "./input-limits.js";

/** The file's text; throws ConfigError naming the file and what to do. */
export function readConfigFile(
  file: string,
  what: string,
  hint: string,
  maxBytes: number = MAX_CONFIG_BYTES,
): string {
  let fd: number | undefined;
  const fail = (message: string, fix: string, cause?: unknown): never => {
    throw new ConfigError([{ location: { file }, message, hint: fix }], { cause });
  };
  try {
    // O_NONBLOCK: opening a FIFO must not wait for a writer; a regular file reads as usual.
    fd = openSync(file, constants.O_RDONLY | constants.O_NONBLOCK);
    const stat = fstatSync(fd);
    if (stat.isDirectory()) return fail(`${what} is a directory`, hint);
    if (!stat.isFile())
      return fail(
        `${what} is not a regular file (a device, pipe or socket)`,
        `${hint}; write it to a file first`,
      );
    if (stat.size > maxBytes)
      return fail(
        `${what} is ${stat.size} bytes, more than the limit of ${maxBytes} (${maxBytes / 1024 / 1024} MiB)`,
        "split it, or remove what Grove does not need",
      );
    return readFileSync(fd, "utf8");
  } catch (error) {
    if (error instanceof ConfigError) throw error;
    const code = (error as NodeJS.ErrnoException).code;
    const message =
      code === "ENOENT"
        ? `${what} not found`
        : code === "EISDIR"
          ? `${what} is a directory`
          : code === "EACCES"
            ? `${what} is not readable (permission denied)`
            : `cannot read ${what}: ${code ?? String(error)}`;
    return fail(message, hint, error);
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}
