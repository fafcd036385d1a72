/**
 * Runs one worktree machine per worktree of the plan, in parallel (the racy git operations serialise
 * themselves per repository), with the real git steps. Reports each state change as an event, tells
 * the run when a worktree is ready or failed, and at the end cleans up or releases every worktree.
 */
import { join } from "node:path";
import { createActor, fromPromise, type InspectionEvent, waitFor } from "xstate";
import type { Pipeline } from "../config/types.js";
import {
  type EventListener,
  timestamp,
  type WorktreeEventState,
  type WorktreeReport,
  type WorktreeSkipCause,
} from "../events.js";
import {
  createWorktreeMachine,
  type VerifyOutput,
  type WorktreeFailure,
} from "../machines/worktree-machine.js";
import { branchFor } from "./branch-for.js";
import type { GitOptions } from "./git.js";
import { branchHead } from "./git-query.js";
import { cleanupWorktree } from "./worktree-cleanup.js";
import { createWorktree, lockWorktree, unlockWorktree } from "./worktree-create.js";
import { commitsOnlyOn } from "./worktree-history.js";
import { acquireLease, describeHolder } from "./worktree-lease.js";
import { commonGitDir, worktreePath } from "./worktree-paths.js";
import { pullCoordinator } from "./worktree-pull.js";
import { assessWorktree } from "./worktree-readiness.js";
import {
  markHalfBuilt,
  markSetupDone,
  runChecks,
  runSetupStep,
  type SetupContext,
} from "./worktree-setup.js";

export interface WorktreeLifecycleOptions {
  mainRepo: string;
  basePath: string;
  pipeline: Pipeline;
  runId: string;
  runDir: string;
  worktrees: readonly string[];
  setup: boolean;
  pull: boolean;
  /** --no-wait: a worktree another live run holds is not waited for; its scenarios are skipped. */
  noWait?: boolean;
  /** Overrides the pipeline's pull.from. */
  coordinatorRef?: string;
  onEvent?: EventListener;
  onReady(worktree: string): void;
  onFailed(worktree: string, cause: WorktreeSkipCause): void;
  inspect?(event: InspectionEvent, actor: string): void;
  /** Every process group a stage starts (git, setup steps, checks), when it starts and ends. */
  onSpawn?(pid: number): void;
  onExit?(pid: number): void;
  /** Awaited after each setup command ends (leak sweeps). */
  afterSetupCommand?(end: { worktree: string; step: string; pgid?: number; startedAt: Date }): Promise<void>;
}

/** The `worktree-status` state for a machine state: setup_2 is `setting-up`, failed is the problem. */
function eventState(value: string, failure: WorktreeFailure | null): WorktreeEventState {
  if (/^setup_\d+$/.test(value)) return "setting-up";
  if (value === "failed" || value === "released") return failure ?? "ready";
  return value as WorktreeEventState;
}

export async function startWorktrees(options: WorktreeLifecycleOptions) {
  const { pipeline } = options;
  const commonDir = await commonGitDir(options.mainRepo);
  const lockReason = `grove run ${options.runId}`;
  const stepNames = pipeline.worktree.setup.map((s) => s.name);
  const from = options.coordinatorRef ?? pipeline.pull.from;
  const emit = options.onEvent ?? (() => {});
  const info = new Map<
    string,
    {
      path: string;
      /** The branch the pipeline names for it. */
      branch: string;
      /** The branch checked out there (null: detached HEAD), once verified or created. */
      checkedOut?: string | null;
      setupStarted?: number;
      setupSeconds?: number;
      locked: boolean;
      locking?: Promise<void>;
      /** This run created it (so a --cleanup run that leaves it behind leaked it). */
      created?: boolean;
      /** Removed, but the branch Grove created for it is still there though it holds no work. */
      branchLeft?: boolean;
      /** Releases this run's lease on it. */
      releaseLease?: () => void;
      /** The setup step that failed: its log and its last lines of output. */
      failedStep?: { logPath: string; outputTail?: string };
    }
  >();
  const killGraceMs = pipeline.test.killGrace * 1000;
  // Ctrl-C ends whatever a stage runs: each actor's signal fires on interrupt, or when its state exits.
  const interrupt = new AbortController();
  const signalFor = (actorSignal: AbortSignal) => AbortSignal.any([actorSignal, interrupt.signal]);
  const control = (actorSignal: AbortSignal): GitOptions => ({
    signal: signalFor(actorSignal),
    killGraceMs,
    env: { GROVE_RUN_ID: options.runId },
    ...(options.onSpawn ? { onSpawn: options.onSpawn } : {}),
    ...(options.onExit ? { onExit: options.onExit } : {}),
  });
  const ctxOf = (name: string, actorSignal?: AbortSignal): SetupContext => {
    const i = info.get(name)!;
    return {
      mainRepo: options.mainRepo,
      worktree: i.path,
      name,
      branch: i.branch,
      logDir: join(options.runDir, "logs"),
      killGraceMs,
      runId: options.runId,
      ...(actorSignal ? { signal: signalFor(actorSignal) } : {}),
      ...(options.onSpawn ? { onSpawn: options.onSpawn } : {}),
      ...(options.onExit ? { onExit: options.onExit } : {}),
      ...(options.afterSetupCommand
        ? { afterCommand: (end) => options.afterSetupCommand!({ worktree: name, ...end }) }
        : {}),
    };
  };
  const started = (name: string) => {
    const i = info.get(name)!;
    i.setupStarted ??= Date.now();
  };

  // Leases are taken in path order, each after the one before it (no two runs wait on each other).
  const leaseTurn = new Map<string, Promise<unknown>>();
  const machine = createWorktreeMachine(stepNames).provide({
    actors: {
      leaseWorktree: fromPromise(async ({ input, signal }) => {
        const i = info.get(input.name)!;
        await leaseTurn.get(input.name);
        const lease = await acquireLease({
          commonDir,
          path: i.path,
          runId: options.runId,
          noWait: options.noWait ?? false,
          signal: signalFor(signal),
          onWait: (holder) =>
            emit({
              type: "worktree-status",
              at: timestamp(),
              worktree: input.name,
              state: "waiting",
              detail: `in use by ${describeHolder(holder)}; waiting for it (--no-wait skips its scenarios instead)`,
            }),
        });
        if (lease.kind === "cancelled") return { kind: "busy" as const, detail: "interrupted" };
        if (lease.kind === "busy")
          return {
            kind: "busy" as const,
            detail: `in use by ${describeHolder(lease.holder)}; not waiting for it (--no-wait)`,
          };
        i.releaseLease = lease.release;
        if (lease.tookOverFrom)
          emit({
            type: "worktree-status",
            at: timestamp(),
            worktree: input.name,
            state: "lease-taken-over",
            detail: `took over the lease of ${describeHolder(lease.tookOverFrom)}, which is no longer running`,
          });
        return { kind: "acquired" as const, detail: "leased" };
      }),
      verifyWorktree: fromPromise(async ({ input, signal }): Promise<VerifyOutput> => {
        const i = info.get(input.name)!;
        const verdict = await assessWorktree({
          ...ctxOf(input.name, signal),
          commonDir,
          setup: pipeline.worktree.setup,
          verify: pipeline.worktree.verify,
        });
        if (verdict.checkedOut !== undefined) i.checkedOut = verdict.checkedOut;
        // Only a note in `grove worktrees`; a run that goes on with the old setup says so once.
        if (verdict.state === "ready" && verdict.setup === "changed" && !options.setup)
          emit({
            type: "worktree-status",
            at: timestamp(),
            worktree: input.name,
            state: "setup-changed",
            detail: "the setup definition changed since Grove ran it here; --setup-worktrees runs it again",
          });
        return {
          state: verdict.state,
          create: verdict.state === "worktree-missing" || verdict.setup === "half-created",
          setupChanged: verdict.setup === "changed",
          detail: verdict.detail,
        };
      }),
      createWorktree: fromPromise(async ({ input, signal }) => {
        const i = info.get(input.name)!;
        started(input.name);
        i.created = true;
        await createWorktree({
          mainRepo: options.mainRepo,
          commonDir,
          basePath: options.basePath,
          name: input.name,
          path: i.path,
          branch: i.branch,
          startPoint: pipeline.worktree.startPoint,
          runId: options.runId,
          control: control(signal),
        });
        i.checkedOut = i.branch;
        return { ok: true, detail: "created" };
      }),
      runSetupStep: fromPromise(async ({ input, signal }) => {
        started(input.name);
        // Half-built until the checks pass: an interrupted setup is rerun by the next run.
        if (input.index === 0) markHalfBuilt(info.get(input.name)!.path, "setup", options.runId);
        const run = await runSetupStep(pipeline.worktree.setup[input.index]!, ctxOf(input.name, signal));
        if (!run.ok && run.logPath)
          info.get(input.name)!.failedStep = {
            logPath: run.logPath,
            ...(run.outputTail ? { outputTail: run.outputTail } : {}),
          };
        return run;
      }),
      runChecks: fromPromise(async ({ input, signal }) => {
        const result = await runChecks(pipeline.worktree.verify, ctxOf(input.name, signal));
        const i = info.get(input.name)!;
        if (result.ok) markSetupDone(i.path, pipeline.worktree.setup);
        if (i.setupStarted !== undefined) i.setupSeconds = (Date.now() - i.setupStarted) / 1000;
        return result;
      }),
      pullCoordinator: fromPromise(async ({ input, signal }) => {
        const r = await pullCoordinator({
          worktree: info.get(input.name)!.path,
          from: from!,
          ...(pipeline.pull.remote ? { remote: pipeline.pull.remote } : {}),
          strategy: pipeline.pull.strategy,
          autostash: pipeline.pull.autostash,
          control: control(signal),
          runId: options.runId,
        });
        if (r.kind === "cancelled") return { kind: "failed" as const, detail: r.detail };
        if (r.kind === "conflict")
          return {
            kind: r.kind,
            detail: `merging ${from} conflicts in ${r.files.join(", ")}; the merge was aborted and the worktree is as before`,
          };
        if (r.kind === "refused" || r.kind === "failed") return { kind: r.kind, detail: r.detail };
        return { kind: r.kind, detail: r.kind };
      }),
      cleanupWorktree: fromPromise(async ({ input }) => {
        const i = info.get(input.name)!;
        const r = await cleanupWorktree({
          mainRepo: options.mainRepo,
          commonDir,
          path: i.path,
          disposable: pipeline.worktree.disposable,
          deleteBranch: pipeline.cleanup.deleteBranches,
          removeWorktrees: pipeline.cleanup.removeWorktrees,
          prune: pipeline.cleanup.prune,
          ...(i.locked ? { ourLockReason: lockReason } : {}),
        });
        if (r.kind === "removed") {
          i.locked = false;
          i.branchLeft =
            pipeline.cleanup.deleteBranches &&
            !r.branchDeleted &&
            r.createdBranch &&
            (await commitsOnlyOn(options.mainRepo, i.branch).catch(() => 1)) === 0;
        }
        return r.kind === "kept" ? { kind: "kept" as const, reasons: r.reasons } : { kind: r.kind };
      }),
    },
  });

  const actors = options.worktrees.map((name) => {
    info.set(name, {
      path: worktreePath(options.basePath, name),
      branch: branchFor(pipeline, name),
      locked: false,
    });
    const actor = createActor(machine, {
      input: { name, canSetup: options.setup, pull: options.pull && from !== undefined },
      ...(options.inspect ? { inspect: (e) => options.inspect!(e, `worktree:${name}`) } : {}),
    });
    let last = "";
    actor.subscribe((snapshot) => {
      const value = String(snapshot.value);
      const ctx = snapshot.context;
      const step = /^setup_(\d+)$/.exec(value);
      const state = eventState(value, ctx.failure);
      const detail = step
        ? `step ${Number(step[1]) + 1}/${stepNames.length}: ${stepNames[Number(step[1])]}`
        : ctx.keptReasons.join(", ") || (value === "failed" || value === "released" ? ctx.detail : "");
      const key = `${state}\0${detail}`;
      if (key === last) return;
      last = key;
      emit({
        type: "worktree-status",
        at: timestamp(),
        worktree: name,
        state,
        ...(detail ? { detail } : {}),
      });
      if (value === "ready") {
        // Locked while in use so that no other tool prunes or removes it. Its scenarios do not wait
        // for the lock (a git process, ~50 ms on a run's start, measured in bench/makespan.ts); the
        // release waits for it, so an unlock never races the lock.
        const i = info.get(name)!;
        i.locking = lockWorktree(options.mainRepo, commonDir, i.path, lockReason).then((ours) => {
          i.locked = ours;
        });
        options.onReady(name);
      }
      if (value === "failed") {
        const failure = ctx.failure ?? "verify-failed";
        options.onFailed(name, { reason: failure, detail: `worktree "${name}" ${failure}: ${ctx.detail}` });
      }
    });
    return { name, actor };
  });
  let previous: Promise<unknown> = Promise.resolve();
  for (const { name, actor } of [...actors].sort((a, b) =>
    info.get(a.name)!.path < info.get(b.name)!.path ? -1 : 1,
  )) {
    leaseTurn.set(name, previous);
    const settled = waitFor(actor, (snap) => snap.value !== "leasing", { timeout: Number.POSITIVE_INFINITY });
    previous = settled.catch(() => {});
  }
  for (const { actor } of actors) actor.start();

  return {
    /** Ctrl-C: every stage under way ends its process group; each worktree ends failed (cancelled). */
    cancel: () => {
      for (const { actor } of actors) actor.send({ type: "CANCEL" });
      interrupt.abort();
    },
    /** Cleans up (or releases) every worktree and reports what remains. */
    finish: async (cleanup: boolean): Promise<WorktreeReport[]> => {
      const reports = await Promise.all(
        actors.map(async ({ name, actor }) => {
          await waitFor(
            actor,
            (snap) => snap.value === "ready" || snap.value === "failed" || snap.status === "done",
          );
          const i = info.get(name)!;
          await i.locking;
          actor.send({ type: cleanup ? "CLEANUP" : "RELEASE" });
          await waitFor(actor, (snap) => snap.status === "done");
          if (i.locked) await unlockWorktree(options.mainRepo, commonDir, i.path);
          i.releaseLease?.();
          const snap = actor.getSnapshot();
          const branch = i.checkedOut === undefined ? i.branch : i.checkedOut;
          const head = branch ? await branchHead(options.mainRepo, commonDir, branch) : undefined;
          const state =
            snap.value === "removed" || snap.value === "kept"
              ? snap.value
              : (snap.context.failure ?? "ready");
          const report: WorktreeReport = {
            name,
            path: i.path,
            ...(branch ? { branch } : {}),
            ...(head !== undefined ? { head } : {}),
            state,
            ...(i.created ? { created: true } : {}),
            ...(i.branchLeft ? { branch_left: true } : {}),
            ...(i.setupSeconds !== undefined
              ? { setup_seconds: Math.round(i.setupSeconds * 1000) / 1000 }
              : {}),
            ...(snap.context.keptReasons.length ? { kept_reasons: snap.context.keptReasons } : {}),
            ...(snap.context.detail ? { detail: snap.context.detail } : {}),
            ...(state === "setup-failed" && i.failedStep
              ? {
                  log_path: i.failedStep.logPath,
                  ...(i.failedStep.outputTail ? { output_tail: i.failedStep.outputTail } : {}),
                }
              : {}),
          };
          return report;
        }),
      );
      return reports;
    },
  };
}
