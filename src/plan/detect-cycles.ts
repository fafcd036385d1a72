/**
 * Finds dependency cycles. Each strongly connected component with a cycle is reported once, as a
 * concrete path `a -> b -> c -> a` where each scenario depends on the next. Iterative (no recursion
 * limit on deep graphs), O(V + E). Pure.
 */
import type { ScenarioGraph } from "./build-graph.js";

export interface DependencyCycle {
  kind: "cycle";
  /** Names along the cycle; the first is repeated at the end. */
  path: string[];
}

export function detectCycles(graph: ScenarioGraph): DependencyCycle[] {
  const n = graph.names.length;
  const index = new Array<number>(n).fill(-1);
  const low = new Array<number>(n).fill(0);
  const onStack = new Array<boolean>(n).fill(false);
  const stack: number[] = [];
  const cycles: DependencyCycle[] = [];
  let counter = 0;

  for (let root = 0; root < n; root++) {
    if (index[root] !== -1) continue;
    const work: [number, number][] = [[root, 0]];
    index[root] = low[root] = counter++;
    stack.push(root);
    onStack[root] = true;
    while (work.length > 0) {
      const frame = work[work.length - 1]!;
      const [v, edge] = frame;
      const next = graph.deps[v]![edge];
      if (next !== undefined) {
        frame[1]++;
        if (index[next] === -1) {
          index[next] = low[next] = counter++;
          stack.push(next);
          onStack[next] = true;
          work.push([next, 0]);
        } else if (onStack[next]) low[v] = Math.min(low[v]!, index[next]!);
        continue;
      }
      work.pop();
      const parent = work[work.length - 1];
      if (parent) low[parent[0]] = Math.min(low[parent[0]]!, low[v]!);
      if (low[v] === index[v]) {
        const component: number[] = [];
        let w: number;
        do {
          w = stack.pop()!;
          onStack[w] = false;
          component.push(w);
        } while (w !== v);
        const selfLoop = component.length === 1 && graph.deps[v]!.includes(v);
        if (component.length > 1 || selfLoop)
          cycles.push({ kind: "cycle", path: cycleWithin(graph, component) });
      }
    }
  }
  return cycles;
}

/** A concrete cycle inside one strongly connected component: BFS back to the start. */
function cycleWithin(graph: ScenarioGraph, component: number[]): string[] {
  const members = new Set(component);
  const start = Math.min(...component);
  const prev = new Map<number, number>();
  const queue = [start];
  for (let qi = 0; qi < queue.length; qi++) {
    const v = queue[qi]!;
    for (const w of graph.deps[v]!) {
      if (!members.has(w)) continue;
      if (w === start) {
        const path = [start];
        for (let u = v; u !== start; u = prev.get(u)!) path.splice(1, 0, u);
        return [...path, start].map((i) => graph.names[i]!);
      }
      if (!prev.has(w)) {
        prev.set(w, v);
        queue.push(w);
      }
    }
  }
  return [graph.names[start]!, graph.names[start]!];
}
