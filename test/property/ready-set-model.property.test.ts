import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  type FinalStatus,
  type RootCause,
  type SkipCause,
  WORKTREE_PROBLEMS,
  type WorktreeSkipCause,
} from "../../src/events.js";
import { ReadySet, type ReadySetOptions, type SchedulerCommand } from "../../src/scheduler/ready-set.js";
import { earlierDependencies } from "../helpers/dag-arbitrary.js";
import { propertyRuns } from "../helpers/property-runs.js";

/**
 * Model-based test of the ready set: random sequences of what a run tells it (begin, a scenario
 * finishing with any outcome, a worktree turning ready or failing, an interrupt, `--max-failures`)
 * are applied to the real ReadySet and to a small model written here, and after every operation the
 * commands it returned and what it reports (done, peak concurrency) must be the model's.
 *
 * The model is declarative where the ready set is incremental: it keeps one status per scenario and
 * recomputes from scratch which scenarios are skipped (any dependency that did not pass, in plan
 * order), which are ready, and which start (a linear scan for the highest priority, then the earliest
 * in plan order, with a free worker and a free place in its worktree, on the lowest free slot). No
 * heaps, counters or free lists: none of the ready set's bookkeeping is reused.
 */

const OUTCOMES = ["passed", "passed", "passed", "failed", "errored", "timed-out"] as const;

interface ModelScenario {
  name: string;
  worktree: string;
  deps: number[];
  priority: number;
  unselected: string[];
}

const caseArb = fc
  .record({
    n: fc.integer({ min: 1, max: 10 }),
    worktrees: fc.integer({ min: 1, max: 3 }),
  })
  .chain(({ n, worktrees }) =>
    fc.record({
      scenarios: fc.tuple(
        ...Array.from({ length: n }, (_, i) =>
          fc.record({
            deps: earlierDependencies(i),
            worktree: fc.nat({ max: worktrees - 1 }),
            // Few priorities, so that ties (broken by plan order) are common.
            priority: fc.nat({ max: 2 }),
            unselected: fc.oneof(
              { weight: 8, arbitrary: fc.constant<string[]>([]) },
              { weight: 1, arbitrary: fc.constant<string[]>([`outside-${i}`, `other-${i}`]) },
            ),
          }),
        ),
      ),
      /** Each scenario's dependents are listed to the ready set in this (random) order. */
      dependentOrder: fc.array(fc.nat(), { minLength: n, maxLength: n }),
      worktrees: fc.constant(worktrees),
      workers: fc.integer({ min: 1, max: 5 }),
      maxPerWorktree: fc.integer({ min: 1, max: 4 }),
      assumeDependenciesPassed: fc.boolean(),
      worktreesStartReady: fc.boolean(),
      maxFailures: fc.option(fc.integer({ min: 1, max: 3 }), { nil: undefined, freq: 2 }),
      /** Interrupt before anything starts (the run machine's idle state), rarely. */
      interruptFirst: fc.oneof(
        { weight: 9, arbitrary: fc.constant(false) },
        { weight: 1, arbitrary: fc.constant(true) },
      ),
      ops: fc.array(
        fc.oneof(
          {
            weight: 12,
            arbitrary: fc.record({
              kind: fc.constant("finish" as const),
              pick: fc.nat(),
              outcome: fc.constantFrom(...OUTCOMES),
            }),
          },
          { weight: 4, arbitrary: fc.record({ kind: fc.constant("ready" as const), pick: fc.nat() }) },
          {
            weight: 1,
            arbitrary: fc.record({
              kind: fc.constant("fail" as const),
              pick: fc.nat(),
              problem: fc.constantFrom(...WORKTREE_PROBLEMS),
            }),
          },
          { weight: 2, arbitrary: fc.record({ kind: fc.constant("again" as const), pick: fc.nat() }) },
          { weight: 1, arbitrary: fc.record({ kind: fc.constant("unknown" as const) }) },
        ),
        { maxLength: 40 },
      ),
      interruptAt: fc.option(fc.nat({ max: 40 }), { nil: undefined, freq: 3 }),
    }),
  );

type Case = typeof caseArb extends fc.Arbitrary<infer T> ? T : never;

type Status = "waiting" | "queued" | "running" | FinalStatus;

const nameOf = (i: number) => `s${i}`;
const worktreeOf = (k: number) => `w${k}`;
const isFinal = (s: Status) => s !== "waiting" && s !== "queued" && s !== "running";
const didNotPass = (s: Status) => isFinal(s) && s !== "passed";
const isFailure = (s: FinalStatus) => s === "failed" || s === "errored" || s === "timed-out";

/** What the model says one call returns; skips for a failed dependency may name any failed one. */
interface Expected {
  queue: string[];
  starts: [string, number][];
  cancels: string[];
  /** Scenario index -> the exact cause, or the dependencies any of which may be named. */
  skips: Map<number, SkipCause | { oneOf: number[] }>;
}

class Model {
  readonly status: Status[];
  readonly slot: (number | undefined)[];
  /** The root cause a skipped scenario carries (undefined: none, as for `max-failures`). */
  readonly root: (RootCause | undefined)[];
  /** What a skipped scenario's dependents say began their chain: `"a" failed`, `worktree "w1" setup-failed`. */
  readonly because: (string | undefined)[];
  readonly ready = new Set<string>();
  readonly failedWorktrees = new Map<string, SkipCause>();
  interrupted = false;
  peak = 0;

  constructor(
    readonly scenarios: ModelScenario[],
    readonly options: ReadySetOptions,
  ) {
    this.status = scenarios.map(() => "waiting");
    this.slot = scenarios.map(() => undefined);
    this.root = scenarios.map(() => undefined);
    this.because = scenarios.map(() => undefined);
    if (options.worktreesStartReady) for (const s of scenarios) this.ready.add(s.worktree);
  }

  get done(): boolean {
    return this.status.every(isFinal);
  }

  private get failures(): number {
    return this.status.filter((s) => isFinal(s) && isFailure(s as FinalStatus)).length;
  }

  private get stopped(): boolean {
    const max = this.options.maxFailures;
    return this.interrupted || (max !== undefined && this.failures >= max);
  }

  runningIndices(): number[] {
    return this.status.flatMap((s, i) => (s === "running" ? [i] : []));
  }

  fresh(): Expected {
    return { queue: [], starts: [], cancels: [], skips: new Map() };
  }

  /**
   * Everything that follows from the statuses: in plan order (dependencies come first), a scenario
   * that has not started and has a dependency that did not pass is skipped for it; else one of a
   * failed worktree (`worktree`), or with dependencies outside the run (`unselected`), is skipped for
   * that; one whose dependencies all passed is ready (queued, or skipped if its worktree failed).
   * Then `--max-failures`, then the starts.
   */
  private settleAll(out: Expected, worktree?: { name: string; cause: SkipCause }, unselected = false) {
    this.scenarios.forEach((s, i) => {
      if (this.status[i] !== "waiting" && this.status[i] !== "queued") return;
      const failedDeps = s.deps.filter((d) => didNotPass(this.status[d]!));
      if (failedDeps.length > 0) this.skip(i, { oneOf: failedDeps }, out);
      else if (worktree && s.worktree === worktree.name) this.skip(i, worktree.cause, out);
      else if (unselected && s.unselected.length > 0 && !this.options.assumeDependenciesPassed)
        this.skip(
          i,
          {
            reason: "dependency-not-selected",
            detail: `dependency "${s.unselected[0]}" is not part of this run (--no-deps); select it, or pass --assume-deps-passed`,
            dependency: s.unselected[0],
            rootCause: { notSelected: s.unselected[0]! },
          },
          out,
        );
    });
    if (!this.stopped)
      this.scenarios.forEach((s, i) => {
        if (this.status[i] !== "waiting" || !s.deps.every((d) => this.status[d] === "passed")) return;
        const failed = this.failedWorktrees.get(s.worktree);
        if (failed) this.skip(i, failed, out);
        else {
          this.status[i] = "queued";
          out.queue.push(nameOf(i));
        }
      });
    const max = this.options.maxFailures;
    if (max !== undefined && this.failures >= max)
      this.scenarios.forEach((_, i) => {
        if (this.status[i] === "waiting" || this.status[i] === "queued")
          this.skip(
            i,
            {
              reason: "max-failures",
              detail: `not started: ${max} scenario(s) had failed (--max-failures ${max})`,
            },
            out,
          );
      });
    this.startWhatCan(out);
  }

  private skip(i: number, cause: SkipCause | { oneOf: number[] }, out: Expected) {
    this.status[i] = "skipped";
    out.skips.set(i, cause);
  }

  /** The highest priority queued scenario (earliest in plan order on ties) that may start, on the lowest free slot. */
  private startWhatCan(out: Expected) {
    const { workers, maxPerWorktree } = this.options;
    while (!this.stopped && this.runningIndices().length < workers) {
      let best: number | undefined;
      this.scenarios.forEach((s, i) => {
        if (this.status[i] !== "queued" || !this.ready.has(s.worktree)) return;
        if (this.failedWorktrees.has(s.worktree)) return;
        const inWorktree = this.runningIndices().filter((j) => this.scenarios[j]!.worktree === s.worktree);
        if (inWorktree.length >= maxPerWorktree) return;
        if (best === undefined || s.priority > this.scenarios[best]!.priority) best = i;
      });
      if (best === undefined) return;
      const taken = new Set(this.runningIndices().map((j) => this.slot[j]));
      let slot = 1;
      while (taken.has(slot)) slot++;
      this.status[best] = "running";
      this.slot[best] = slot;
      this.peak = Math.max(this.peak, this.runningIndices().length);
      out.starts.push([nameOf(best), slot]);
    }
  }

  begin(): Expected {
    const out = this.fresh();
    this.settleAll(out, undefined, true);
    return out;
  }

  finish(i: number, status: FinalStatus): Expected {
    const out = this.fresh();
    if (this.status[i] !== "running") return out;
    this.status[i] = status;
    this.slot[i] = undefined;
    this.settleAll(out);
    return out;
  }

  worktreeReady(name: string): Expected {
    const out = this.fresh();
    if (this.failedWorktrees.has(name)) return out;
    this.ready.add(name);
    this.settleAll(out);
    return out;
  }

  /** Its scenarios' skips name the worktree and its problem as their root cause. */
  worktreeFailed(name: string, reported: WorktreeSkipCause): Expected {
    const out = this.fresh();
    const cause = { ...reported, rootCause: { worktree: name, problem: reported.reason } };
    this.failedWorktrees.set(name, cause);
    this.ready.delete(name);
    this.settleAll(out, { name, cause });
    return out;
  }

  interrupt(): Expected {
    const out = this.fresh();
    this.interrupted = true;
    this.status.forEach((s, i) => {
      if (s === "waiting" || s === "queued") this.status[i] = "cancelled";
      if (!isFinal(s)) out.cancels.push(nameOf(i));
    });
    return out;
  }
}

/** The ready set returned what the model expects; records the root causes the skips carry. */
function expectAsModel(model: Model, actual: SchedulerCommand[], expected: Expected, what: string) {
  const of = (kind: SchedulerCommand["kind"]) => actual.filter((c) => c.kind === kind);
  expect(
    of("queue")
      .map((c) => c.name)
      .sort(),
    what,
  ).toEqual([...expected.queue].sort());
  expect(
    of("start").map((c) => [c.name, c.kind === "start" ? c.slot : 0]),
    what,
  ).toEqual(expected.starts);
  expect(
    of("cancel")
      .map((c) => c.name)
      .sort(),
    what,
  ).toEqual([...expected.cancels].sort());
  // A scenario is told DEPENDENCIES_PASSED before START.
  for (const [name] of expected.starts) {
    const queuedAt = actual.findIndex((c) => c.kind === "queue" && c.name === name);
    if (queuedAt >= 0)
      expect(queuedAt, what).toBeLessThan(actual.findIndex((c) => c.kind === "start" && c.name === name));
  }
  const skips = new Map<number, SkipCause>();
  for (const c of actual) {
    if (c.kind !== "skip") continue;
    const i = Number(c.name.slice(1));
    expect(skips.has(i), `${what}: ${c.name} skipped twice`).toBe(false);
    skips.set(i, c.cause);
  }
  expect(
    [...skips.keys()].sort((a, b) => a - b),
    what,
  ).toEqual([...expected.skips.keys()].sort((a, b) => a - b));
  // In plan order, so a skipped dependency's root cause is known before its dependents are checked.
  for (const i of [...expected.skips.keys()].sort((a, b) => a - b)) {
    const want = expected.skips.get(i)!;
    const got = skips.get(i)!;
    const label = `${what}: skip of ${nameOf(i)} ${JSON.stringify(got)}`;
    if (!("oneOf" in want)) {
      expect(got, label).toStrictEqual(want);
      model.root[i] = want.rootCause;
      // A skip of its own begins a chain: a worktree's problem, or a dependency left out of the run.
      model.because[i] =
        want.reason === "dependency-not-selected"
          ? `"${want.dependency}" is not part of this run`
          : want.reason === "max-failures"
            ? undefined
            : `worktree "${model.scenarios[i]!.worktree}" ${want.reason}`;
      continue;
    }
    const dep = Number(got.dependency?.slice(1));
    expect(want.oneOf, label).toContain(dep);
    const depStatus = model.status[dep] as FinalStatus;
    const root = depStatus === "skipped" ? model.root[dep] : { scenario: nameOf(dep), status: depStatus };
    const because = depStatus === "skipped" ? model.because[dep] : `"${nameOf(dep)}" ${depStatus}`;
    const detail =
      depStatus === "skipped"
        ? `dependency "${nameOf(dep)}" was skipped${because ? ` (because ${because})` : ""}`
        : `dependency "${nameOf(dep)}" ${depStatus}`;
    expect(got, label).toStrictEqual({
      reason: "dependency-failed",
      detail,
      dependency: nameOf(dep),
      ...(root ? { rootCause: root } : {}),
    });
    model.root[i] = root;
    model.because[i] = because;
  }
}

function build(c: Case): { scenarios: ModelScenario[]; options: ReadySetOptions } {
  const scenarios = c.scenarios.map((s, i) => ({
    name: nameOf(i),
    worktree: worktreeOf(s.worktree),
    deps: s.deps,
    priority: s.priority,
    unselected: s.unselected,
  }));
  const options: ReadySetOptions = {
    workers: c.workers,
    maxPerWorktree: c.maxPerWorktree,
    assumeDependenciesPassed: c.assumeDependenciesPassed,
    worktreesStartReady: c.worktreesStartReady,
    ...(c.maxFailures !== undefined ? { maxFailures: c.maxFailures } : {}),
  };
  return { scenarios, options };
}

describe("the ready set against a model (random operation sequences)", () => {
  it("returns the model's commands after every operation: queues, starts and slots, skips and causes, cancels", () => {
    fc.assert(
      fc.property(caseArb, (c) => {
        const { scenarios, options } = build(c);
        const n = scenarios.length;
        const ready = new ReadySet(
          scenarios.map((s, i) => {
            const dependents = scenarios.flatMap((o, j) => (o.deps.includes(i) ? [nameOf(j)] : []));
            const k = dependents.length === 0 ? 0 : c.dependentOrder[i]! % dependents.length;
            return {
              name: s.name,
              worktree: s.worktree,
              dependencies: s.deps.map(nameOf),
              dependents: [...dependents.slice(k), ...dependents.slice(0, k)],
              priority: s.priority,
              unselectedDependencies: s.unselected,
            };
          }),
          options,
        );
        const model = new Model(scenarios, options);
        // The run tells the ready set about the plan's worktrees: those its scenarios use.
        const worktrees = [...new Set(scenarios.map((s) => s.worktree))];
        const log: string[] = [];
        const step = (label: string, actual: SchedulerCommand[], expected: Expected) => {
          log.push(label);
          const what = log.join(" > ");
          expectAsModel(model, actual, expected, what);
          expect(ready.done, what).toBe(model.done);
          expect(ready.maxConcurrency, what).toBe(model.peak);
        };

        if (c.interruptFirst) step("interrupt", ready.interrupt(), model.interrupt());
        else step("begin", ready.begin(), model.begin());
        c.ops.forEach((op, k) => {
          if (model.done) return; // the run has ended: nothing more is sent
          if (k === c.interruptAt && !model.interrupted)
            step("interrupt", ready.interrupt(), model.interrupt());
          const running = model.runningIndices();
          switch (op.kind) {
            case "finish": {
              if (running.length === 0) return;
              const i = running[op.pick % running.length]!;
              // A scenario running when the run was interrupted may end cancelled.
              const status = model.interrupted && op.pick % 3 === 0 ? "cancelled" : op.outcome;
              step(`finish ${nameOf(i)} ${status}`, ready.settle(nameOf(i), status), model.finish(i, status));
              return;
            }
            case "again": {
              // Every final scenario's machine reports it settled, skipped and cancelled ones too.
              const done = model.status.flatMap((s, i) => (isFinal(s) ? [i] : []));
              if (done.length === 0) return;
              const i = done[op.pick % done.length]!;
              const status = model.status[i] as FinalStatus;
              step(`again ${nameOf(i)} ${status}`, ready.settle(nameOf(i), status), model.finish(i, status));
              return;
            }
            case "unknown":
              step("unknown", ready.settle("nobody", "failed"), model.fresh());
              return;
            case "ready":
            case "fail": {
              // A draining run no longer hears from worktrees.
              if (model.interrupted) return;
              const w = worktrees[op.pick % worktrees.length]!;
              if (op.kind === "ready") step(`ready ${w}`, ready.worktreeReady(w), model.worktreeReady(w));
              else {
                const cause: WorktreeSkipCause = { reason: op.problem, detail: `${w} ${op.problem} (${k})` };
                step(`fail ${w}`, ready.worktreeFailed(w, cause), model.worktreeFailed(w, cause));
              }
              return;
            }
          }
        });
        // Drain: the running pass, worktrees turn ready, until every scenario has ended.
        for (let guard = 0; !model.done && guard < 4 * n + worktrees.length + 2; guard++) {
          const running = model.runningIndices();
          if (running.length > 0) {
            const i = running[0]!;
            step(`finish ${nameOf(i)} passed`, ready.settle(nameOf(i), "passed"), model.finish(i, "passed"));
          } else {
            expect(model.interrupted, log.join(" > ")).toBe(false);
            for (const w of worktrees)
              if (!model.ready.has(w) && !model.failedWorktrees.has(w))
                step(`ready ${w}`, ready.worktreeReady(w), model.worktreeReady(w));
          }
        }
        expect(model.done).toBe(true);
        expect(ready.done).toBe(true);
      }),
      { numRuns: propertyRuns(500) },
    );
  });
});
