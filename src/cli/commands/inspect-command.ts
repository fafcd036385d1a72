/** `grove inspect [RUN-ID | path] [--port N]`: serve a recorded run for replay (the latest when none is named). */

import { resolve } from "node:path";
import { UsageError } from "../../errors.js";
import { findRunDir, recordedSource } from "../../inspector/run-source.js";
import { startInspectorServer } from "../../inspector/server.js";
import { gitTopLevel } from "../../steps/git-query.js";
import { EXIT } from "../exit-codes.js";
import { formatOptions, type OptionSpecs, parseArgs } from "../parse-args.js";
import type { CommandIo } from "./command-io.js";

/** The options of `grove inspect`. */
export const INSPECT_OPTIONS = {
  port: {
    type: "integer",
    min: 0,
    max: 65535,
    valueName: "N",
    description: "Port on 127.0.0.1 (default: a free one)",
  },
  "main-repo": {
    type: "string",
    valueName: "PATH",
    description: "Main repository (default: the git top level of the current directory)",
  },
  help: { type: "boolean", description: "Show this help" },
} satisfies OptionSpecs;

const INSPECT_HELP = `Usage: grove inspect [RUN-ID | PATH] [options]

Serve a recorded run (.grove/runs/<run-id>) on 127.0.0.1 and print its URL (with a random token) on a
line of its own. The page replays the run with a timeline you can scrub. Read-only. Ctrl-C stops it.

Options:
${formatOptions(INSPECT_OPTIONS)}

Examples:
  grove inspect
  grove inspect 20261124-043144-43a203 --port 8123
`;

export async function inspectCommand(
  argv: readonly string[],
  io: CommandIo,
  signal?: AbortSignal,
): Promise<number> {
  const { values, positionals } = parseArgs(argv, INSPECT_OPTIONS, "inspect");
  if (values.help) {
    io.stdout(INSPECT_HELP);
    return EXIT.ok;
  }
  const mainRepo = values["main-repo"]
    ? resolve(io.cwd, values["main-repo"])
    : ((await gitTopLevel(io.cwd)) ?? io.cwd);
  const runDir = findRunDir(mainRepo, positionals[0], io.cwd);
  const server = await startInspectorServer(readRecording(runDir), {
    port: values.port,
  });
  io.stdout(`Inspector (replay of ${runDir}; read-only, 127.0.0.1 only). Ctrl-C to stop:\n${server.url}\n`);
  await new Promise<void>((resolveStop) => {
    const stop = () => resolveStop();
    signal?.addEventListener("abort", stop, { once: true });
    process.once("SIGINT", stop);
    process.once("SIGTERM", stop);
  });
  await server.close();
  return EXIT.ok;
}

/** The recorded run in `runDir`; a run dir missing its files (a crashed or copied run) is a usage error. */
function readRecording(runDir: string): ReturnType<typeof recordedSource> {
  try {
    return recordedSource(runDir);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "ENOENT" || error instanceof SyntaxError)
      throw new UsageError(
        `${runDir} is not a complete recording (${code === "ENOENT" ? `${(error as NodeJS.ErrnoException).path} is missing` : "machines.json is not valid JSON"}); name another run, or record one with grove run`,
      );
    throw error;
  }
}
