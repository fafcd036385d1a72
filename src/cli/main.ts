/** The `grove` command (entry point: bin.ts): dispatch to a subcommand, map errors to exit codes, never print a stack for user errors. */
import { ConfigError, environmentErrorFrom, GroveError, InternalError } from "../errors.js";
import { fitWorkersToOpenFiles, openFilesLimit } from "../resources/open-files-limit.js";
import { didYouMean } from "../util/did-you-mean.js";
import { GROVE_VERSION } from "../version.js";
import type { CommandIo } from "./commands/command-io.js";
import { EXIT, exitCodeForError } from "./exit-codes.js";

const COMMANDS = ["run", "plan", "worktrees", "inspect", "merge-reports", "version", "help"] as const;

type Command = (argv: readonly string[], io: CommandIo) => Promise<number>;

// Each command is loaded when it is used: start-up time is most of a short run's overhead.
// A run's module graph is loaded with many files open at once: a limit too low for any run is said
// (exit 5) before loading it, not as an EMFILE from Node's module loader.
const LOAD: Record<"run" | "plan" | "worktrees" | "inspect" | "merge-reports", () => Promise<Command>> = {
  run: async () => {
    fitWorkersToOpenFiles(1, openFilesLimit());
    return (await import("./commands/run-command.js")).runCommand;
  },
  plan: async () => (await import("./commands/plan-command.js")).planCommand,
  worktrees: async () => (await import("./commands/worktrees-command.js")).worktreesCommand,
  inspect: async () => (await import("./commands/inspect-command.js")).inspectCommand,
  "merge-reports": async () => (await import("./commands/merge-reports-command.js")).mergeReportsCommand,
};

const HELP = `Usage: grove <command> [options]

Run integration-test scenarios across git worktrees.

Commands:
  run        Run the scenarios (the default when the first argument is an option)
  plan       Validate and show what would run, in which order, and why
  worktrees  List, set up, pull or clean the worktrees (grove worktrees --help)
  inspect    Replay a recorded run in the browser (grove run --inspect serves it live)
  merge-reports  Merge the reports of grove run --shard i/n into one (JSON, JUnit, HTML)
  version    Show the version (also --version)
  help       Show help for a command: grove help run

Options:
  --help     Show help        --version  Show the version

Examples:
  grove plan
  grove run --workers 4 --filter-tag parser
  grove --dry-run                       (the original coordinator's spelling)

Exit codes: 0 all passed, 1 something failed, 2 configuration or usage error, 3 a bug in Grove,
4 filters matched nothing, 5 the environment failed (files, disk, port, git), 130 interrupted.
`;

export async function main(argv: readonly string[], io: CommandIo): Promise<number> {
  try {
    const [first, ...rest] = argv;
    if (first === undefined || first.startsWith("-")) {
      if (first === "--version" || first === "-V") {
        io.stdout(`${GROVE_VERSION}\n`);
        return EXIT.ok;
      }
      if (first === "--help" || first === "-h") {
        io.stdout(HELP);
        return EXIT.ok;
      }
      return await (await LOAD.run())(argv, io);
    }
    switch (first) {
      case "run":
      case "plan":
      case "worktrees":
      case "inspect":
      case "merge-reports":
        return await (await LOAD[first]())(rest, io);
      case "version":
        io.stdout(`${GROVE_VERSION}\n`);
        return EXIT.ok;
      case "help":
        if (rest[0] === undefined) io.stdout(HELP);
        else return await main([rest[0], "--help"], io);
        return EXIT.ok;
      default:
        io.stderr(`grove: unknown command "${first}"${didYouMean(first, COMMANDS)}\n\n${HELP}`);
        return EXIT.config;
    }
  } catch (error) {
    return reportError(error, io);
  }
}

function reportError(error: unknown, io: CommandIo): number {
  const environment = environmentErrorFrom(error);
  if (environment) {
    io.stderr(`grove: ${environment.message}\n`);
  } else if (error instanceof ConfigError) {
    io.stderr(`grove: configuration error${error.diagnostics.length > 1 ? "s" : ""}:\n`);
    for (const line of error.message.split("\n").filter((l) => !/^\d+ problems:$/.test(l)))
      io.stderr(`  ${line}\n`);
  } else if (error instanceof GroveError && !(error instanceof InternalError)) {
    io.stderr(`grove: ${error.message}\n`);
  } else {
    const detail =
      error instanceof Error
        ? io.env.GROVE_DEBUG
          ? (error.stack ?? error.message)
          : error.message
        : String(error);
    io.stderr(
      `grove: internal error: ${detail}\n  this is a bug in Grove; rerun with GROVE_DEBUG=1 for a stack trace and report it\n`,
    );
  }
  return exitCodeForError(error);
}
