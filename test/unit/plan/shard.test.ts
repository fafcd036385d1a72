import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  parseShard,
  partitionShards,
  type ShardItem,
  shardGroups,
  shardWeights,
} from "../../../src/plan/shard.js";
import { propertyRuns } from "../../helpers/property-runs.js";

const item = (
  name: string,
  worktree: string,
  seconds: number,
  dependencies: string[] = [],
  recorded = true,
) => ({
  name,
  worktree,
  dependencies,
  seconds,
  recorded,
});

/**
 * Small inputs with many ties (few distinct durations), names out of sorted order, dependencies in both
 * directions and on names outside the plan.
 */
const tiedItems = fc.integer({ min: 0, max: 9 }).chain((n) =>
  fc
    .tuple(
      fc.shuffledSubarray(
        Array.from({ length: n }, (_, i) => `s${String.fromCharCode(106 - i)}`),
        { minLength: n, maxLength: n },
      ),
      fc.array(
        fc.record({
          deps: fc.uniqueArray(fc.integer({ min: 0, max: n }), { maxLength: 2 }),
          worktree: fc.integer({ min: 0, max: 3 }),
          seconds: fc.constantFrom(1, 2, 4),
          recorded: fc.boolean(),
        }),
        { minLength: n, maxLength: n },
      ),
    )
    .map(([names, rows]): ShardItem[] =>
      rows.map((r, i) => ({
        name: names[i]!,
        worktree: `w${r.worktree}`,
        dependencies: r.deps.map((d) => (d === n ? "outside" : names[d]!)).filter((d) => d !== names[i]),
        seconds: r.seconds,
        recorded: r.recorded,
      })),
    ),
);

/**
 * Oracle for the documented split (shard.ts header, docs/architecture.md): groups by reachability over
 * links; weights are measured seconds, unmeasured ones the lower median of the measured; groups longest
 * first (ties: the group whose smallest name sorts first) each onto the least loaded shard (ties: the
 * lowest index); names sorted within a shard; `oversized` when one group outweighs total / count.
 */
function oracle(items: ShardItem[], count: number, split: boolean) {
  const measured = items.filter((i) => i.recorded).map((i) => i.seconds);
  measured.sort((a, b) => a - b);
  const median = measured.length === 0 ? undefined : measured[Math.ceil(measured.length / 2) - 1];
  const weight = (i: ShardItem) => (i.recorded || median === undefined ? i.seconds : median);
  const linked = (a: ShardItem, b: ShardItem) =>
    a.dependencies.includes(b.name) ||
    b.dependencies.includes(a.name) ||
    (!split && a.worktree === b.worktree);
  const groups: { names: string[]; seconds: number }[] = [];
  const seen = new Set<ShardItem>();
  for (const start of items) {
    if (seen.has(start)) continue;
    const members = [start];
    seen.add(start);
    for (let k = 0; k < members.length; k++)
      for (const x of items)
        if (!seen.has(x) && linked(members[k]!, x)) {
          seen.add(x);
          members.push(x);
        }
    groups.push({
      names: members.map((m) => m.name).sort(),
      seconds: members.reduce((t, m) => t + weight(m), 0),
    });
  }
  const ordered = [...groups].sort((a, b) =>
    a.seconds !== b.seconds ? b.seconds - a.seconds : a.names[0]!.localeCompare(b.names[0]!),
  );
  const shards = Array.from({ length: count }, (_, k) => ({
    index: k + 1,
    scenarios: [] as string[],
    seconds: 0,
  }));
  for (const g of ordered) {
    const least = Math.min(...shards.map((s) => s.seconds));
    const target = shards.find((s) => s.seconds === least)!;
    target.scenarios.push(...g.names);
    target.seconds += g.seconds;
  }
  for (const s of shards) s.scenarios.sort();
  const total = groups.reduce((t, g) => t + g.seconds, 0);
  const heaviest = ordered[0];
  const oversized =
    heaviest && heaviest.seconds > total / count
      ? {
          seconds: heaviest.seconds,
          ideal: total / count,
          scenarios: heaviest.names.length,
          first: heaviest.names[0]!,
        }
      : undefined;
  return { shards, groups: groups.map((g) => g.names), total, oversized };
}

describe("sharding against an oracle", () => {
  it("splits exactly as documented: groups, weights, longest first onto the least loaded, ties, oversized", () => {
    fc.assert(
      fc.property(tiedItems, fc.integer({ min: 1, max: 4 }), fc.boolean(), (items, count, split) => {
        const want = oracle(items, count, split);
        const got = partitionShards(items, count, { splitWorktrees: split });
        expect(got.shards).toEqual(want.shards);
        expect(got.count).toBe(count);
        expect(got.groups).toBe(want.groups.length);
        expect(got.totalSeconds).toBe(want.total);
        expect(got.oversized).toEqual(want.oversized);
        const groups = shardGroups(items, { splitWorktrees: split });
        expect([...groups].sort((a, b) => a[0]!.localeCompare(b[0]!))).toEqual(
          [...want.groups].sort((a, b) => a[0]!.localeCompare(b[0]!)),
        );
      }),
      { numRuns: propertyRuns(500) },
    );
  });

  it("gives an empty plan empty shards, and says nothing is oversized", () => {
    const a = partitionShards([], 3);
    expect(a.shards).toEqual([1, 2, 3].map((index) => ({ index, scenarios: [], seconds: 0 })));
    expect(a.oversized).toBeUndefined();
    expect(a.groups).toBe(0);
  });

  it("names the heaviest group's first scenario (by name) when it alone outweighs a fair share", () => {
    const a = partitionShards([item("zeta", "w1", 50), item("alpha", "w1", 50), item("mid", "w2", 10)], 2);
    expect(a.oversized).toEqual({ seconds: 100, ideal: 55, scenarios: 2, first: "alpha" });
    expect(a.shards.map((s) => s.scenarios)).toEqual([["alpha", "zeta"], ["mid"]]);
  });

  it("weighs an unrecorded scenario as the lower median of an even number of recorded ones", () => {
    const recorded = [40, 10, 30, 20].map((s, i) => item(`r${i}`, "w", s));
    expect(shardWeights([...recorded, item("new", "w", 999, [], false)]).get("new")).toBe(20);
  });

  it("parses i/n with several digits and surrounding spaces, within 1 <= i <= n", () => {
    expect(parseShard("12/34")).toEqual({ index: 12, count: 34 });
    expect(parseShard(" 3/10 ")).toEqual({ index: 3, count: 10 });
    expect(parseShard("1/1")).toEqual({ index: 1, count: 1 });
    expect(parseShard("5/5")).toEqual({ index: 5, count: 5 });
    for (const bad of ["0/0", "0/1", "6/5", "1/", "/2", "1 /2"]) expect(parseShard(bad)).toBeUndefined();
  });
});
