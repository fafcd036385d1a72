/**
 * Critical-path priorities: for each scenario, the expected seconds from its start to the end of the
 * longest chain of dependents below it (itself included). Scheduling the highest first keeps random
 * DAGs within ~1.001x of the lower bound in simulation (CONVENTIONS.md). Pure; needs an acyclic graph.
 */

/**
 * @param order a topological order (dependencies first) of the nodes to weigh
 * @param dependents dependents of each node by index, restricted to the same node set
 * @param seconds expected duration of each node
 * @returns priority by node index (0 for nodes not in `order`)
 */
export function criticalPathPriorities(
  order: readonly number[],
  dependents: readonly (readonly number[])[],
  seconds: (i: number) => number,
): Float64Array {
  const priority = new Float64Array(dependents.length);
  for (let k = order.length - 1; k >= 0; k--) {
    const i = order[k]!;
    let longest = 0;
    for (const d of dependents[i]!) longest = Math.max(longest, priority[d]!);
    priority[i] = seconds(i) + longest;
  }
  return priority;
}
