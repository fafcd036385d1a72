/**
 * What the inspector shows: a live run (its recorder) or a recorded one (machines.json + events.ndjson
 * in a run directory), and how to make the recorder for a run from the compiled machines.
 */
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { join, resolve } from "node:path";
import { runsDir } from "../config/grove-dir.js";
import type { Pipeline } from "../config/types.js";
import { UsageError } from "../errors.js";
import { createScenarioMachine } from "../machines/scenario-machine.js";
import { createWorktreeMachine } from "../machines/worktree-machine.js";
import type { Plan } from "../plan/plan.js";
import { describeMachine } from "./describe-machine.js";
import { type RunDefinitions, RunRecorder } from "./recorder.js";
import { recordingHeader } from "./recording-format.js";
import type { InspectorSource } from "./server.js";

function runDefinitions(runId: string, replay: string, plan: Plan, pipeline: Pipeline): RunDefinitions {
  return {
    runId,
    replay,
    scenarioMachine: describeMachine(
      createScenarioMachine({
        before: pipeline.test.before.map((s) => s.name),
        after: pipeline.test.after.map((s) => s.name),
      }),
    ),
    worktreeMachine: describeMachine(createWorktreeMachine(pipeline.worktree.setup.map((s) => s.name))),
    scenarios: plan.scenarios.map((p) => ({
      name: p.name,
      worktree: p.scenario.worktree,
      dependencies: p.dependencies,
      description: p.scenario.description,
      tags: p.scenario.tags,
    })),
    worktrees: plan.worktrees,
  };
}

export function createRunRecorder(
  runDir: string,
  runId: string,
  replay: string,
  plan: Plan,
  pipeline: Pipeline,
): RunRecorder {
  return new RunRecorder(runDir, runDefinitions(runId, replay, plan, pipeline));
}

/** A live source: everything the recorder has written, then each new line until the run finishes. */
export function liveSource(recorder: RunRecorder, definitions: RunDefinitions) {
  let finished = false;
  const finishListeners: (() => void)[] = [];
  const source: InspectorSource = {
    definitions,
    lines: () => recorder.lines,
    subscribe: (listener) => recorder.onLine(listener),
    finished: () => finished,
    onFinished: (l) => finishListeners.push(l),
  };
  return {
    source,
    finish: () => {
      finished = true;
      for (const l of finishListeners) l();
    },
  };
}

/** Finds a recorded run: a path to its directory, a run id, or (none given) the latest run. */
export function findRunDir(mainRepo: string, which: string | undefined, cwd: string): string {
  const runs = runsDir(mainRepo);
  if (which) {
    const asPath = resolve(cwd, which);
    if (existsSync(join(asPath, "events.ndjson"))) return asPath;
    if (existsSync(join(runs, which, "events.ndjson"))) return join(runs, which);
    throw new UsageError(
      `no recorded run "${which}": expected a run id under ${runs} or a directory holding events.ndjson`,
    );
  }
  const ids = existsSync(runs)
    ? readdirSync(runs)
        .filter((d) => existsSync(join(runs, d, "events.ndjson")))
        .sort((a, b) => statSync(join(runs, a)).mtimeMs - statSync(join(runs, b)).mtimeMs)
    : [];
  if (ids.length === 0) throw new UsageError(`no recorded runs under ${runs}; run grove run first`);
  return join(runs, ids[ids.length - 1]!);
}

/**
 * A recorded run, replayed: its lines as written (a torn or corrupt line, say after a crash, is left
 * out). A recording from a newer Grove is refused with a clear message, not shown wrong.
 */
export function recordedSource(runDir: string): InspectorSource {
  const definitions = JSON.parse(readFileSync(join(runDir, "machines.json"), "utf8")) as RunDefinitions;
  const lines = readFileSync(join(runDir, "events.ndjson"), "utf8")
    .split("\n")
    .filter((l) => {
      if (!l) return false;
      try {
        JSON.parse(l);
        return true;
      } catch {
        return false;
      }
    });
  if (lines[0] !== undefined) recordingHeader(JSON.parse(lines[0]), join(runDir, "events.ndjson"));
  return { definitions, lines: () => lines, finished: () => true };
}
