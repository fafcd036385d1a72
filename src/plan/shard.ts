/**
 * Splits a plan across machines (`--shard i/n`): a deterministic partition, the same on every machine
 * for the same inputs. Scenarios joined by a dependency (either way) always land on one shard, and so,
 * unless `splitWorktrees` is set, do the scenarios of one worktree, so each machine sets up only its own
 * worktrees. The resulting groups are balanced by expected seconds: longest first onto the least loaded
 * shard (LPT; ties: the group whose first name sorts first, onto the lowest shard), which keeps the
 * slowest shard within (4/3) of the best possible split.
 *
 * Pure: no I/O. It does not plan or order anything inside a shard (plan.ts does, on the shard's names).
 */

/** One scenario as the sharder sees it. */
export interface ShardItem {
  name: string;
  worktree: string;
  /** Dependencies inside the same plan (others are ignored). */
  dependencies: readonly string[];
  /** Expected seconds per run of it. */
  seconds: number;
  /** Whether `seconds` was measured (recorded timings); unmeasured ones get the measured median. */
  recorded: boolean;
}

export interface ShardOptions {
  /** Let one worktree's scenarios go to several shards (only dependencies keep them together). */
  splitWorktrees?: boolean;
}

export interface Shard {
  /** 1-based, as in `--shard 2/4`. */
  index: number;
  /** Sorted by name. */
  scenarios: string[];
  seconds: number;
}

export interface ShardAssignment {
  count: number;
  shards: Shard[];
  /** How many groups (that may not be split) there were. */
  groups: number;
  totalSeconds: number;
  /** Set when one group alone weighs more than total / count: no split can beat it. */
  oversized?: { seconds: number; ideal: number; scenarios: number; first: string };
}

/** Parses `i/n` (1 <= i <= n); undefined when the text is not of that form. */
export function parseShard(text: string): { index: number; count: number } | undefined {
  const m = /^(\d+)\/(\d+)$/.exec(text.trim());
  if (!m) return undefined;
  const index = Number(m[1]);
  const count = Number(m[2]);
  return index >= 1 && count >= 1 && index <= count ? { index, count } : undefined;
}

/** Weights for sharding: measured seconds where there are any, else the median of the measured ones. */
export function shardWeights(items: readonly ShardItem[]): Map<string, number> {
  const measured = items
    .filter((i) => i.recorded)
    .map((i) => i.seconds)
    .sort((a, b) => a - b);
  const median = measured.length > 0 ? measured[Math.floor((measured.length - 1) / 2)]! : undefined;
  return new Map(items.map((i) => [i.name, i.recorded || median === undefined ? i.seconds : median]));
}

/** Groups that may not be split: union-find over dependencies (and worktrees unless split). */
export function shardGroups(items: readonly ShardItem[], options: ShardOptions = {}): string[][] {
  const parent = new Map<string, string>(items.map((i) => [i.name, i.name]));
  const find = (x: string): string => {
    let root = x;
    while (parent.get(root) !== root) root = parent.get(root)!;
    while (parent.get(x) !== root) {
      const next = parent.get(x)!;
      parent.set(x, root);
      x = next;
    }
    return root;
  };
  const union = (a: string, b: string) => {
    const ra = find(a);
    const rb = find(b);
    // The smaller name becomes the root, so the result does not depend on the order of unions.
    if (ra < rb) parent.set(rb, ra);
    else if (rb < ra) parent.set(ra, rb);
  };
  const firstOfWorktree = new Map<string, string>();
  for (const i of items) {
    for (const d of i.dependencies) if (parent.has(d)) union(i.name, d);
    if (options.splitWorktrees) continue;
    const first = firstOfWorktree.get(i.worktree);
    if (first === undefined) firstOfWorktree.set(i.worktree, i.name);
    else union(i.name, first);
  }
  const groups = new Map<string, string[]>();
  for (const i of items) {
    const root = find(i.name);
    groups.set(root, [...(groups.get(root) ?? []), i.name]);
  }
  return [...groups.values()].map((g) => g.sort());
}

/** Assigns every scenario to exactly one of `count` shards. */
export function partitionShards(
  items: readonly ShardItem[],
  count: number,
  options: ShardOptions = {},
): ShardAssignment {
  const weight = shardWeights(items);
  const groups = shardGroups(items, options).map((names) => ({
    names,
    seconds: names.reduce((t, n) => t + weight.get(n)!, 0),
  }));
  groups.sort((a, b) => b.seconds - a.seconds || (a.names[0]! < b.names[0]! ? -1 : 1));
  const shards: Shard[] = Array.from({ length: count }, (_, k) => ({
    index: k + 1,
    scenarios: [],
    seconds: 0,
  }));
  for (const g of groups) {
    let target = shards[0]!;
    for (const s of shards) if (s.seconds < target.seconds) target = s;
    target.scenarios.push(...g.names);
    target.seconds += g.seconds;
  }
  for (const s of shards) s.scenarios.sort();
  const totalSeconds = groups.reduce((t, g) => t + g.seconds, 0);
  const heaviest = groups[0];
  const ideal = totalSeconds / count;
  return {
    count,
    shards,
    groups: groups.length,
    totalSeconds,
    ...(heaviest && count > 1 && heaviest.seconds > ideal
      ? {
          oversized: {
            seconds: heaviest.seconds,
            ideal,
            scenarios: heaviest.names.length,
            first: heaviest.names[0]!,
          },
        }
      : {}),
  };
}
