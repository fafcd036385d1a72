/**
 * `grove worktrees [list]`, `grove worktrees setup|pull|clean [names] [--dry-run]`: the worktree
 * lifecycle without running scenarios.
 */

import { setInPipeline } from "../../config/load-pipeline.js";
import { UsageError } from "../../errors.js";
import { keptWorktreeFixes } from "../../reporters/kept-worktree-fix.js";
import { describeDeadRun, endDeadRuns } from "../../run/dead-runs.js";
import {
  cleanWorktrees,
  driveWorktrees,
  listWorktrees,
  type WorktreeListing,
  type WorktreeScope,
} from "../../run/worktree-operations.js";
import { commonGitDir } from "../../steps/worktree-paths.js";
import { EXIT } from "../exit-codes.js";
import { listenForInterrupts } from "../interrupts.js";
import { SELECTION_OPTIONS } from "../options.js";
import { formatOptions, type OptionSpecs, parseArgs } from "../parse-args.js";
import { resolveContext } from "../resolve-context.js";
import type { CommandIo } from "./command-io.js";

/** The options of `grove worktrees`. */
export const WORKTREES_OPTIONS = {
  ...SELECTION_OPTIONS,
  "coordinator-ref": {
    type: "string",
    valueName: "REF",
    description: "Ref to pull (overrides the pipeline's pull.from)",
  },
  "dry-run": { type: "boolean", description: "Say what would be done; change nothing" },
  json: { type: "boolean", description: "List as JSON" },
} satisfies OptionSpecs;

const WORKTREES_HELP = `Usage: grove worktrees [list|setup|pull|clean] [names...] [options]

  list    name, state, branch and path of every worktree the scenarios use (the default); the state is
          the verdict \`grove run\` acts on: ready | worktree-missing | not-a-worktree | not-set-up |
          verify-failed | merge-conflict (see docs/worktrees.md)
  setup   create missing worktrees; run the pipeline's setup where verify fails, setup never finished,
          or the setup definition changed since Grove ran it
  pull    merge the coordinator ref into each worktree (conflicts are aborted)
  clean   remove the worktrees Grove created, keeping any that hold work

Options:
${formatOptions(WORKTREES_OPTIONS)}

Examples:
  grove worktrees
  grove worktrees setup parser cli
  grove worktrees pull --coordinator-ref feature/integration-coordinator --dry-run
  grove worktrees clean --dry-run
`;

const ACTIONS = ["list", "setup", "pull", "clean"] as const;

export async function worktreesCommand(argv: readonly string[], io: CommandIo): Promise<number> {
  // Messages name the whole command (`grove worktrees clean`), not only `grove worktrees`.
  const named = ACTIONS.find((a) => a === argv[0]);
  if (named === "clean" && argv.includes("--force"))
    throw new UsageError(
      'grove worktrees clean has no --force: it never removes a worktree that holds work (it says why it keeps one); commit, stash or delete that work, or remove the worktree yourself with "git worktree remove --force PATH"',
    );
  const { values, positionals } = parseArgs(
    argv,
    WORKTREES_OPTIONS,
    named ? `worktrees ${named}` : "worktrees",
  );
  if (values.help) {
    io.stdout(WORKTREES_HELP);
    return EXIT.ok;
  }
  const [action = "list", ...names] = positionals;
  if (!(ACTIONS as readonly string[]).includes(action))
    throw new UsageError(`unknown worktrees action "${action}"; use list, setup, pull or clean`);
  const ctx = await resolveContext(values, io.cwd);
  if (ctx.mainRepoIsGit) {
    // What a killed run left (processes, leases, locks) is ended and released first.
    const dead = await endDeadRuns({
      mainRepo: ctx.mainRepo,
      commonDir: await commonGitDir(ctx.mainRepo),
      killGraceMs: ctx.pipeline.test.killGrace * 1000,
    });
    for (const d of dead) io.stderr(`${describeDeadRun(d).join("\n")}\n`);
  }
  if (!ctx.mainRepoIsGit)
    throw new UsageError(`${ctx.mainRepo} is not a git repository; pass --main-repo PATH`);
  const unknown = names.filter((n) => !ctx.plan.worktrees.includes(n));
  if (unknown.length)
    throw new UsageError(
      `no scenario uses worktree ${unknown.map((n) => `"${n}"`).join(", ")}; known: ${ctx.plan.worktrees.join(", ")}`,
    );
  const selected = names.length ? names : ctx.plan.worktrees;
  const ref = values["coordinator-ref"] ?? ctx.pipeline.pull.from;
  const dryRun = values["dry-run"] === true;

  const scope: WorktreeScope = {
    mainRepo: ctx.mainRepo,
    basePath: ctx.basePath,
    pipeline: ctx.pipeline,
  };

  if (action === "clean") {
    const would = dryRun ? "would be " : "";
    for (const { name, outcome: r } of await cleanWorktrees(scope, selected, dryRun)) {
      const what =
        r.kind === "kept"
          ? `${would}kept (${r.reasons.join("; ")})`
          : r.kind === "not-ours"
            ? "left alone (not created by Grove)"
            : `${would}removed: ${r.details.join("; ")}`;
      io.stdout(`${name}: ${what}\n`);
      if (r.kind === "kept") for (const fix of keptWorktreeFixes(r.reasons)) io.stdout(`  fix: ${fix}\n`);
    }
    return EXIT.ok;
  }
  if (action === "list" || dryRun) {
    const rows = await listWorktrees(scope, selected, ref);
    if (values.json) io.stdout(`${JSON.stringify(rows, null, 2)}\n`);
    else io.stdout(renderListing(rows, dryRun ? action : undefined));
    return EXIT.ok;
  }
  if (action === "pull" && !ref)
    throw new UsageError(
      `nothing to pull: pass --coordinator-ref REF or ${setInPipeline(ctx.pipeline, "pull.from")}`,
    );
  // Ctrl-C ends the step under way (TERM to its process group, grace, KILL); a second one, at once.
  const signals = listenForInterrupts(io, "stopping: ending the running step");
  try {
    const outcomes = await driveWorktrees(
      scope,
      selected,
      { setup: action === "setup", pull: action === "pull" },
      {
        ...(ref ? { coordinatorRef: ref } : {}),
        signal: signals.interrupt,
        hardStop: signals.hardStop,
        onEvent: (e) => {
          if (e.type === "worktree-status")
            io.stdout(`${e.worktree}: ${e.state}${e.detail ? ` (${e.detail})` : ""}\n`);
          else if (e.type === "leak-found" && e.leak.worktree !== undefined)
            io.stdout(
              `${e.leak.worktree}: setup step "${e.leak.step}" left process ${e.leak.pid} running (${e.leak.command}); ${e.leak.ended ? "ended it" : "could not end it"}\n`,
            );
        },
      },
    );
    if (signals.interrupt.aborted) return EXIT.interrupted;
    return outcomes.some((o) => !o.ready) ? EXIT.failed : EXIT.ok;
  } finally {
    signals.dispose();
  }
}

/** The table: name, state, branch, path; then why it is not ready and the notes, indented. */
function renderListing(rows: readonly WorktreeListing[], dryRunOf: string | undefined): string {
  const w = Math.max(...rows.map((r) => r.name.length)) + 2;
  const s = Math.max(...rows.map((r) => r.state.length)) + 2;
  const b = Math.max(...rows.map((r) => r.branch.length)) + 2;
  const out: string[] = [];
  for (const r of rows) {
    out.push(`${r.name.padEnd(w)}${r.state.padEnd(s)}${r.branch.padEnd(b)}${r.path}`);
    if (r.detail) out.push(`${"".padEnd(w)}  ${r.detail}`);
    for (const note of r.notes) out.push(`${"".padEnd(w)}  note: ${note}`);
    if (dryRunOf === "setup")
      out.push(
        `${"".padEnd(w)}  setup would ${r.setupAction === "create" ? "create it and run setup" : r.setupAction === "setup" ? "run setup" : "leave it as it is"}`,
      );
  }
  if (dryRunOf) out.push(`dry run: nothing was changed by "grove worktrees ${dryRunOf}"`);
  return `${out.join("\n")}\n`;
}
