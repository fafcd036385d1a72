/**
 * Sharding balance: seeded random DAGs of 500 scenarios with recorded durations (a long tail, as real
 * suites have), split into n = 2, 4, 8 shards by src/plan/shard.ts. Prints the slowest shard against
 * the ideal, max(total / n, the heaviest group that may not be split), for both modes: a worktree's
 * scenarios together (the default) and split (--shard-split-worktrees). Target: <= 1.10x.
 * Also the time to partition (it runs on every machine before anything starts).
 */
import { partitionShards, type ShardItem, shardGroups, shardWeights } from "../src/plan/shard.js";
import { seededRandom } from "./lib/measure.js";

const N = 500;
const WORKTREES = 40;
const SEEDS = [1, 2, 3, 4, 5];

const worktreeOf = (i: number) => Math.floor((i * WORKTREES) / N);

function randomSuite(seed: number): ShardItem[] {
  const random = seededRandom(seed);
  return Array.from({ length: N }, (_, i): ShardItem => {
    const deps = new Set<number>();
    // Dependencies on a few recent scenarios (features build on each other), mostly inside the
    // worktree; now and then on any earlier one, which joins two worktrees' groups.
    for (let k = 0; k < 2 && i > 0; k++) {
      const d = random() < 0.02 ? Math.floor(random() * i) : Math.max(0, i - 1 - Math.floor(random() * 4));
      if (random() < 0.3 && (worktreeOf(d) === worktreeOf(i) || random() < 0.1)) deps.add(d);
    }
    // 1-20 s mostly, some minutes-long: exp of a uniform gives the long tail.
    const seconds = Math.round(Math.exp(random() * Math.log(240)) * 10) / 10;
    return {
      name: `s${String(i).padStart(3, "0")}`,
      // Each worktree holds a run of consecutive scenarios (one feature branch's tests).
      worktree: `wt${worktreeOf(i)}`,
      dependencies: [...deps].map((d) => `s${String(d).padStart(3, "0")}`),
      seconds,
      recorded: true,
    };
  });
}

for (const split of [false, true]) {
  console.log(`\n${split ? "--shard-split-worktrees" : "worktrees kept together (default)"}:`);
  for (const n of [2, 4, 8]) {
    const ratios: number[] = [];
    let groups = 0;
    let ms = 0;
    for (const seed of SEEDS) {
      const items = randomSuite(seed);
      const w = shardWeights(items);
      const heaviest = Math.max(
        ...shardGroups(items, { splitWorktrees: split }).map((g) => g.reduce((t, x) => t + w.get(x)!, 0)),
      );
      const t = process.hrtime.bigint();
      const a = partitionShards(items, n, { splitWorktrees: split });
      ms += Number(process.hrtime.bigint() - t) / 1e6;
      groups += a.groups;
      const ideal = Math.max(a.totalSeconds / n, heaviest);
      ratios.push(Math.max(...a.shards.map((s) => s.seconds)) / ideal);
    }
    const worst = Math.max(...ratios);
    console.log(
      `  n=${n}: slowest shard / ideal = ${worst.toFixed(3)}x worst, ${(ratios.reduce((a, b) => a + b, 0) / ratios.length).toFixed(3)}x mean over ${SEEDS.length} seeds (${Math.round(groups / SEEDS.length)} groups avg; ${(ms / SEEDS.length).toFixed(2)} ms to partition)  ${worst <= 1.1 ? "target met" : "target NOT met"}`,
    );
  }
}
