/** Reads a user's config file, turning "not there" and "not readable" into clear config errors. */
import { readFileSync } from "node:fs";
import { ConfigError } from "../errors.js";

export function readConfigFile(file: string, what: string, hint: string): string {
  try {
    return readFileSync(file, "utf8");
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const message =
      code === "ENOENT"
        ? `${what} not found`
        : code === "EISDIR"
          ? `${what} is a directory`
          : `cannot read ${what}: ${code ?? String(error)}`;
    throw new ConfigError([{ location: { file }, message, hint }], { cause: error });
  }
}
