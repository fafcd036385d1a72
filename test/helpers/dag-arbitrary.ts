/** Random acyclic dependencies for property tests: scenario i depends on up to three of the ones before it. */
import fc from "fast-check";

export const earlierDependencies = (i: number): fc.Arbitrary<number[]> =>
  i === 0 ? fc.constant<number[]>([]) : fc.uniqueArray(fc.nat({ max: i - 1 }), { maxLength: 3 });
