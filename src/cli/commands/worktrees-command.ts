/**
 * `grove worktrees [list]`, `grove worktrees setup|pull|clean [names] [--dry-run]`: the worktree
 * lifecycle without running scenarios.
 */
import { newRunDir } from "../../config/grove-dir.js";
import { UsageError } from "../../errors.js";
import { describeDeadRun, endDeadRuns } from "../../run/dead-runs.js";
import { newRunId } from "../../run/execute-run.js";
import { startWorktrees } from "../../run/worktree-lifecycle.js";
import { branchFor } from "../../steps/branch-for.js";
import { git } from "../../steps/git.js";
import { containsRef } from "../../steps/linked-worktree-git.js";
import { cleanupWorktree } from "../../steps/worktree-cleanup.js";
import { probeWorktree } from "../../steps/worktree-create.js";
import { commonGitDir, worktreePath } from "../../steps/worktree-paths.js";
import { setupIsCurrent } from "../../steps/worktree-setup.js";
import { readTreeState } from "../../steps/worktree-tree-state.js";
import { disposableMatcher } from "../../util/glob-match.js";
import { EXIT } from "../exit-codes.js";
import { SELECTION_OPTIONS } from "../options.js";
import { formatOptions, type OptionSpecs, parseArgs } from "../parse-args.js";
import { type RunContext, resolveContext } from "../resolve-context.js";
import type { CommandIo } from "./command-io.js";

/** The options of `grove worktrees`. */
export const WORKTREES_OPTIONS: OptionSpecs = {
  ...SELECTION_OPTIONS,
  "coordinator-ref": {
    type: "string",
    valueName: "REF",
    description: "Ref to pull (overrides the pipeline's pull.from)",
  },
  "dry-run": { type: "boolean", description: "Say what would be done; change nothing" },
  json: { type: "boolean", description: "List as JSON" },
};

export const WORKTREES_HELP = `Usage: grove worktrees [list|setup|pull|clean] [names...] [options]

  list    name, path, branch and state (ready | missing | dirty | stale-setup | behind-coordinator |
          conflict | not-a-worktree) of every worktree the scenarios use (the default)
  setup   create missing worktrees and run the pipeline's setup where needed
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

export async function worktreesCommand(argv: readonly string[], io: CommandIo): Promise<number> {
  const { values, positionals } = parseArgs(argv, WORKTREES_OPTIONS, "worktrees");
  if (values.help) {
    io.stdout(WORKTREES_HELP);
    return EXIT.ok;
  }
  const [action = "list", ...names] = positionals;
  if (!["list", "setup", "pull", "clean"].includes(action))
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
  const ref = (values["coordinator-ref"] as string | undefined) ?? ctx.pipeline.pull.from;
  const dryRun = values["dry-run"] === true;

  if (action === "clean") {
    const commonDir = await commonGitDir(ctx.mainRepo);
    const would = dryRun ? "would be " : "";
    for (const name of selected) {
      const r = await cleanupWorktree({
        mainRepo: ctx.mainRepo,
        commonDir,
        path: worktreePath(ctx.basePath, name),
        disposable: ctx.pipeline.worktree.disposable,
        deleteBranch: ctx.pipeline.cleanup.deleteBranches,
        removeWorktrees: ctx.pipeline.cleanup.removeWorktrees,
        prune: ctx.pipeline.cleanup.prune,
        dryRun,
      });
      const what =
        r.kind === "kept"
          ? `${would}kept (${r.reasons.join("; ")})`
          : r.kind === "not-ours"
            ? "left alone (not created by Grove)"
            : `${would}removed: ${r.details.join("; ")}`;
      io.stdout(`${name}: ${what}\n`);
    }
    return EXIT.ok;
  }
  if (action === "list" || dryRun) {
    const rows = await Promise.all(selected.map((name) => describeWorktree(ctx, name, ref)));
    if (values.json) io.stdout(`${JSON.stringify(rows, null, 2)}\n`);
    else {
      const w = Math.max(...rows.map((r) => r.name.length)) + 2;
      for (const r of rows)
        io.stdout(
          `${r.name.padEnd(w)}${r.state.padEnd(20)}${r.branch.padEnd(32)}${r.path}${r.detail ? `  (${r.detail})` : ""}\n`,
        );
      if (dryRun && action !== "list")
        io.stdout(`dry run: nothing was changed by "grove worktrees ${action}"\n`);
    }
    return EXIT.ok;
  }
  if (action === "pull" && !ref)
    throw new UsageError(
      `nothing to pull: pass --coordinator-ref REF or set pull.from in ${ctx.pipeline.source}`,
    );
  const runId = newRunId();
  const runDir = newRunDir(ctx.mainRepo, runId);
  let failed = 0;
  const lifecycle = await startWorktrees({
    mainRepo: ctx.mainRepo,
    basePath: ctx.basePath,
    pipeline: ctx.pipeline,
    runId,
    runDir,
    worktrees: selected,
    setup: action === "setup",
    pull: action === "pull",
    ...(ref ? { coordinatorRef: ref } : {}),
    onEvent: (e) => {
      if (e.type === "worktree-status")
        io.stdout(`${e.worktree}: ${e.state}${e.detail ? ` (${e.detail})` : ""}\n`);
    },
    onReady: () => {},
    onFailed: () => {
      failed++;
    },
  });
  await lifecycle.finish(false);
  return failed ? EXIT.failed : EXIT.ok;
}

export interface WorktreeRow {
  name: string;
  path: string;
  branch: string;
  state: "ready" | "missing" | "dirty" | "stale-setup" | "behind-coordinator" | "conflict" | "not-a-worktree";
  detail?: string;
}

async function describeWorktree(
  ctx: RunContext,
  name: string,
  ref: string | undefined,
): Promise<WorktreeRow> {
  const path = worktreePath(ctx.basePath, name);
  const branch = branchFor(ctx.pipeline, name);
  const base = { name, path, branch };
  const presence = await probeWorktree(path, await commonGitDir(ctx.mainRepo));
  if (presence.kind === "missing") return { ...base, state: "missing" };
  if (presence.kind === "foreign") return { ...base, state: "not-a-worktree", detail: presence.detail };
  const unmerged = await git(path, ["diff", "--name-only", "--diff-filter=U"]);
  if (unmerged.stdout) return { ...base, state: "conflict", detail: unmerged.stdout.split("\n").join(", ") };
  const tree = await readTreeState(ctx.mainRepo, path, disposableMatcher(ctx.pipeline.worktree.disposable));
  // Staged, unstaged, intent-to-add, conflicted and skip-worktree/assume-unchanged edits all count.
  const changed = tree.staged + tree.modified + tree.intentToAdd + tree.conflicted + tree.hidden.length;
  if (changed || tree.untracked)
    return { ...base, state: "dirty", detail: `${changed} modified, ${tree.untracked} untracked` };
  if (ctx.pipeline.worktree.setup.length && !(await setupIsCurrent(path, ctx.pipeline.worktree.setup)))
    return { ...base, state: "stale-setup" };
  if (ref) {
    const contains = await containsRef(path, ref).catch(() => undefined);
    if (contains === false)
      return { ...base, state: "behind-coordinator", detail: `does not contain ${ref}` };
  }
  return { ...base, state: "ready" };
}
