import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { parseShard, partitionShards, type ShardItem, shardWeights } from "../../src/plan/shard.js";

/** Random DAGs with worktrees and durations, some recorded and some not. */
const anyItems = fc.integer({ min: 1, max: 30 }).chain((n) =>
  fc
    .tuple(
      fc.array(fc.uniqueArray(fc.integer({ min: 0, max: Math.max(0, n - 1) }), { maxLength: 3 }), {
        minLength: n,
        maxLength: n,
      }),
      fc.array(fc.integer({ min: 0, max: 5 }), { minLength: n, maxLength: n }),
      fc.array(fc.integer({ min: 1, max: 600 }), { minLength: n, maxLength: n }),
      fc.array(fc.boolean(), { minLength: n, maxLength: n }),
    )
    .map(([deps, worktrees, seconds, recorded]): ShardItem[] =>
      deps.map((d, i) => ({
        name: `s${i}`,
        worktree: `w${worktrees[i]}`,
        dependencies: d.filter((x) => x < i).map((x) => `s${x}`),
        seconds: seconds[i]!,
        recorded: recorded[i]!,
      })),
    ),
);

/**
 * Independent oracle for the groups that must stay together: grow each group by scanning for any item
 * linked to it (a dependency either way, or the same worktree) until nothing changes.
 */
function oracleGroups(items: ShardItem[], splitWorktrees: boolean): Set<string>[] {
  const linked = (a: ShardItem, b: ShardItem) =>
    a.dependencies.includes(b.name) ||
    b.dependencies.includes(a.name) ||
    (!splitWorktrees && a.worktree === b.worktree);
  const left = new Set(items);
  const groups: Set<string>[] = [];
  while (left.size > 0) {
    const first = [...left][0]!;
    left.delete(first);
    const group = [first];
    let grew = true;
    while (grew) {
      grew = false;
      for (const x of [...left])
        if (group.some((g) => linked(g, x))) {
          group.push(x);
          left.delete(x);
          grew = true;
        }
    }
    groups.push(new Set(group.map((g) => g.name)));
  }
  return groups;
}

/** The best possible slowest shard, by trying every assignment of groups (small inputs only). */
function optimalMakespan(weights: number[], count: number): number {
  let best = Number.POSITIVE_INFINITY;
  const loads = new Array<number>(count).fill(0);
  const place = (k: number) => {
    if (k === weights.length) {
      best = Math.min(best, Math.max(...loads));
      return;
    }
    for (let s = 0; s < count; s++) {
      loads[s]! += weights[k]!;
      if (loads[s]! < best) place(k + 1);
      loads[s]! -= weights[k]!;
      if (loads[s] === 0) break; // empty shards are interchangeable
    }
  };
  place(0);
  return best;
}

describe("sharding properties", () => {
  it("puts every scenario on exactly one shard and never splits a group", () => {
    fc.assert(
      fc.property(anyItems, fc.integer({ min: 1, max: 6 }), fc.boolean(), (items, count, split) => {
        const a = partitionShards(items, count, { splitWorktrees: split });
        expect(a.shards).toHaveLength(count);
        const all = a.shards.flatMap((s) => s.scenarios).sort();
        expect(all).toEqual(items.map((i) => i.name).sort());
        const shardOf = new Map(a.shards.flatMap((s) => s.scenarios.map((n) => [n, s.index] as const)));
        const groups = oracleGroups(items, split);
        expect(a.groups).toBe(groups.length);
        for (const g of groups) expect(new Set([...g].map((n) => shardOf.get(n))).size).toBe(1);
      }),
    );
  });

  it("is the same whatever order the scenarios come in", () => {
    fc.assert(
      fc.property(anyItems, fc.integer({ min: 1, max: 5 }), fc.integer(), (items, count, seed) => {
        const shuffled = [...items].sort(
          (a, b) =>
            ((Number(a.name.slice(1)) * 7919 + seed) % 101) - ((Number(b.name.slice(1)) * 7919 + seed) % 101),
        );
        expect(partitionShards(shuffled, count).shards).toEqual(partitionShards(items, count).shards);
      }),
    );
  });

  it("keeps the slowest shard within 4/3 of the best split, and says when one group is too heavy", () => {
    fc.assert(
      fc.property(anyItems, fc.integer({ min: 1, max: 4 }), (items, count) => {
        const groups = oracleGroups(items, false);
        fc.pre(groups.length <= 9);
        const w = shardWeights(items);
        const weights = groups.map((g) => [...g].reduce((t, n) => t + w.get(n)!, 0));
        const a = partitionShards(items, count);
        const slowest = Math.max(...a.shards.map((s) => s.seconds));
        const best = optimalMakespan(weights, count);
        expect(slowest).toBeLessThanOrEqual(best * (4 / 3 - 1 / (3 * count)) + 1e-6);
        const total = weights.reduce((t, x) => t + x, 0);
        expect(a.oversized !== undefined).toBe(count > 1 && Math.max(...weights) > total / count);
      }),
    );
  });

  it("weighs unrecorded scenarios as the median recorded one, or by their expected seconds when none is recorded", () => {
    const items = [10, 20, 30].map((s, i) => ({
      name: `r${i}`,
      worktree: "w",
      dependencies: [],
      seconds: s,
      recorded: true,
    }));
    const fresh = { name: "n", worktree: "w", dependencies: [], seconds: 300, recorded: false };
    expect(shardWeights([...items, fresh]).get("n")).toBe(20);
    expect(shardWeights([fresh]).get("n")).toBe(300);
  });

  it("parses i/n", () => {
    expect(parseShard("2/3")).toEqual({ index: 2, count: 3 });
    for (const bad of ["0/3", "4/3", "1/0", "a/b", "1", "1/2/3", "-1/2"])
      expect(parseShard(bad)).toBeUndefined();
  });
});
