/**
 * The scheduler's state: which scenarios wait, are queued, run or are done, and what to do next.
 * Pure and synchronous: every method returns the commands the run machine should dispatch; nothing
 * here starts a process or knows about XState. Cost per event is O(dependents + worktrees · log n).
 *
 * Not responsible for: running anything, timeouts, retries (the scenario machine), worktree setup.
 */
import type { FinalStatus, RootCause, SkipCause, WorktreeSkipCause } from "../events.js";
import { BinaryHeap } from "../util/binary-heap.js";
import { rootCauseText } from "../util/root-cause-text.js";

export interface SchedulableScenario {
  name: string;
  worktree: string;
  dependencies: readonly string[];
  dependents: readonly string[];
  /** Higher starts first (critical path). */
  priority: number;
  /** Dependencies outside the run (`--no-deps`). */
  unselectedDependencies: readonly string[];
}

export type SchedulerCommand =
  | { kind: "queue"; name: string }
  /** `slot`: the worker slot it runs on (1..workers), free again once it settles. */
  | { kind: "start"; name: string; slot: number }
  | { kind: "skip"; name: string; cause: SkipCause }
  | { kind: "cancel"; name: string };

export interface ReadySetOptions {
  workers: number;
  maxPerWorktree: number;
  assumeDependenciesPassed: boolean;
  /** False when worktrees must first report ready (`worktreeReady`) before their scenarios start. */
  worktreesStartReady: boolean;
  /**
   * `--max-failures N` / `-x`: once N scenarios failed, errored or timed out, nothing new starts; what
   * has not started is skipped with reason `max-failures` (running ones finish).
   */
  maxFailures?: number;
}

type NodeState = "waiting" | "queued" | "running" | "done";

interface Node {
  s: SchedulableScenario;
  order: number;
  state: NodeState;
  remaining: number;
  status?: FinalStatus;
  slot?: number;
}

export class ReadySet {
  private readonly nodes = new Map<string, Node>();
  private readonly queued = new Map<string, BinaryHeap<Node>>();
  private readonly runningIn = new Map<string, number>();
  private readonly readyWorktrees = new Set<string>();
  private readonly failedWorktrees = new Map<string, SkipCause>();
  private running = 0;
  private doneCount = 0;
  private failures = 0;
  private stopped = false;
  private peakRunning = 0;
  /** Worker slots not in use; the lowest is handed out first, so lanes stay stable. */
  private readonly freeSlots: number[];

  constructor(
    scenarios: readonly SchedulableScenario[],
    private readonly options: ReadySetOptions,
  ) {
    if (options.workers < 1) throw new RangeError("workers must be at least 1");
    this.freeSlots = Array.from({ length: options.workers }, (_, i) => options.workers - i);
    scenarios.forEach((s, order) => {
      this.nodes.set(s.name, { s, order, state: "waiting", remaining: s.dependencies.length });
      if (!this.queued.has(s.worktree)) {
        this.queued.set(
          s.worktree,
          new BinaryHeap(
            (a, b) => a.s.priority > b.s.priority || (a.s.priority === b.s.priority && a.order < b.order),
          ),
        );
        this.runningIn.set(s.worktree, 0);
        if (options.worktreesStartReady) this.readyWorktrees.add(s.worktree);
      }
    });
  }

  get done(): boolean {
    return this.doneCount === this.nodes.size;
  }

  /** The most scenarios that ever ran at once. */
  get maxConcurrency(): number {
    return this.peakRunning;
  }

  /** Skips scenarios blocked by unselected dependencies, queues the roots, fills the worker slots. */
  begin(): SchedulerCommand[] {
    const out: SchedulerCommand[] = [];
    for (const node of this.nodes.values()) {
      if (
        node.state !== "waiting" ||
        node.s.unselectedDependencies.length === 0 ||
        this.options.assumeDependenciesPassed
      )
        continue;
      const dep = node.s.unselectedDependencies[0]!;
      this.skip(
        node,
        {
          reason: "dependency-not-selected",
          detail: `dependency "${dep}" is not part of this run (--no-deps); select it, or pass --assume-deps-passed`,
          dependency: dep,
          rootCause: { notSelected: dep },
        },
        out,
      );
    }
    for (const node of this.nodes.values())
      if (node.state === "waiting" && node.remaining === 0) this.enqueue(node, out);
    this.fill(out);
    return out;
  }

  /** A scenario reached a final state. */
  settle(name: string, status: FinalStatus): SchedulerCommand[] {
    const node = this.nodes.get(name);
    const out: SchedulerCommand[] = [];
    if (!node || node.state === "done") return out;
    if (node.state === "running") {
      this.running--;
      this.runningIn.set(node.s.worktree, this.runningIn.get(node.s.worktree)! - 1);
      this.releaseSlot(node);
    }
    node.state = "done";
    node.status = status;
    this.doneCount++;
    if (status === "failed" || status === "errored" || status === "timed-out") this.failures++;
    if (status === "passed") {
      for (const d of node.s.dependents) {
        const dep = this.nodes.get(d);
        if (dep?.state !== "waiting") continue;
        dep.remaining--;
        if (dep.remaining === 0 && !this.stopped) this.enqueue(dep, out);
      }
    } else this.propagateFailure(node, out);
    // After the failure's own dependents are skipped for it: they say which dependency failed, and
    // only the rest is skipped for --max-failures.
    const max = this.options.maxFailures;
    if (max !== undefined && this.failures >= max && !this.stopped) this.stopAfterFailures(max, out);
    this.fill(out);
    return out;
  }

  worktreeReady(worktree: string): SchedulerCommand[] {
    const out: SchedulerCommand[] = [];
    if (this.failedWorktrees.has(worktree)) return out;
    this.readyWorktrees.add(worktree);
    this.fill(out);
    return out;
  }

  /**
   * The worktree cannot be made ready: skip its scenarios that have not started, and their dependents.
   * Its problem (the cause's reason) is the root cause of those skips.
   */
  worktreeFailed(worktree: string, worktreeCause: WorktreeSkipCause): SchedulerCommand[] {
    const out: SchedulerCommand[] = [];
    const cause: SkipCause = { ...worktreeCause, rootCause: { worktree, problem: worktreeCause.reason } };
    this.failedWorktrees.set(worktree, cause);
    this.readyWorktrees.delete(worktree);
    for (const node of this.nodes.values()) {
      if (node.s.worktree === worktree && (node.state === "waiting" || node.state === "queued"))
        this.skip(node, cause, out);
    }
    this.fill(out);
    return out;
  }

  /** Stop starting scenarios; cancel everything not finished (running ones end through their machines). */
  interrupt(): SchedulerCommand[] {
    this.stopped = true;
    const out: SchedulerCommand[] = [];
    for (const node of this.nodes.values()) {
      if (node.state === "waiting" || node.state === "queued") {
        node.state = "done";
        node.status = "cancelled";
        this.doneCount++;
        out.push({ kind: "cancel", name: node.s.name });
      } else if (node.state === "running") out.push({ kind: "cancel", name: node.s.name });
    }
    return out;
  }

  /** Enough failures: start nothing more; every scenario not started is skipped with that reason. */
  private stopAfterFailures(max: number, out: SchedulerCommand[]): void {
    this.stopped = true;
    const cause: SkipCause = {
      reason: "max-failures",
      detail: `not started: ${max} scenario(s) had failed (--max-failures ${max})`,
    };
    for (const node of this.nodes.values()) {
      if (node.state !== "waiting" && node.state !== "queued") continue;
      node.state = "done";
      node.status = "skipped";
      this.doneCount++;
      out.push({ kind: "skip", name: node.s.name, cause });
    }
  }

  private enqueue(node: Node, out: SchedulerCommand[]): void {
    const failed = this.failedWorktrees.get(node.s.worktree);
    if (failed) {
      this.skip(node, failed, out);
      return;
    }
    node.state = "queued";
    this.queued.get(node.s.worktree)!.push(node);
    out.push({ kind: "queue", name: node.s.name });
  }

  private skip(node: Node, cause: SkipCause, out: SchedulerCommand[]): void {
    node.state = "done";
    node.status = "skipped";
    this.doneCount++;
    out.push({ kind: "skip", name: node.s.name, cause });
    this.propagateFailure(node, out, cause.rootCause);
  }

  /**
   * Every transitive dependent of a non-pass is skipped, naming its direct dependency and what began
   * the chain (`rootCause`, and in words in the detail of those behind a skipped dependency): the
   * scenario whose non-pass it was, or for a skip the root cause it carries itself (`skipRoot`: a
   * worktree that could not be used, a dependency left out of the run).
   */
  private propagateFailure(origin: Node, out: SchedulerCommand[], skipRoot?: RootCause): void {
    const root: RootCause | undefined =
      origin.status === "skipped" ? skipRoot : { scenario: origin.s.name, status: origin.status! };
    const stack = [origin];
    while (stack.length > 0) {
      const from = stack.pop()!;
      for (const d of from.s.dependents) {
        const dep = this.nodes.get(d);
        if (!dep || dep.state === "done" || dep.state === "running") continue;
        const detail =
          from.status === "skipped"
            ? `dependency "${from.s.name}" was skipped${root ? ` (because ${rootCauseText(root)})` : ""}`
            : `dependency "${from.s.name}" ${from.status}`;
        dep.state = "done";
        dep.status = "skipped";
        this.doneCount++;
        out.push({
          kind: "skip",
          name: d,
          cause: {
            reason: "dependency-failed",
            detail,
            dependency: from.s.name,
            ...(root ? { rootCause: root } : {}),
          },
        });
        stack.push(dep);
      }
    }
  }

  private fill(out: SchedulerCommand[]): void {
    while (!this.stopped && this.running < this.options.workers) {
      let best: Node | undefined;
      let bestHeap: BinaryHeap<Node> | undefined;
      for (const worktree of this.readyWorktrees) {
        if (this.runningIn.get(worktree)! >= this.options.maxPerWorktree) continue;
        const heap = this.queued.get(worktree)!;
        let top = heap.peek();
        while (top && top.state !== "queued") {
          heap.pop();
          top = heap.peek();
        }
        if (!top) continue;
        if (
          !best ||
          top.s.priority > best.s.priority ||
          (top.s.priority === best.s.priority && top.order < best.order)
        ) {
          best = top;
          bestHeap = heap;
        }
      }
      if (!best || !bestHeap) return;
      bestHeap.pop();
      best.state = "running";
      this.running++;
      this.peakRunning = Math.max(this.peakRunning, this.running);
      this.runningIn.set(best.s.worktree, this.runningIn.get(best.s.worktree)! + 1);
      best.slot = this.freeSlots.pop()!;
      out.push({ kind: "start", name: best.s.name, slot: best.slot });
    }
  }

  /** Back on the free list, kept sorted high to low so pop() gives the lowest. */
  private releaseSlot(node: Node): void {
    if (node.slot === undefined) return;
    const i = this.freeSlots.findIndex((s) => s < node.slot!);
    this.freeSlots.splice(i === -1 ? this.freeSlots.length : i, 0, node.slot);
    node.slot = undefined;
  }
}
