/**
 * How many cases a property test tries: the count it names, scaled by GROVE_PROPERTY_SCALE (mutation
 * testing runs the suite once per mutant and sets 0.2; a mutant that survives that is still looked at).
 */
export function propertyRuns(numRuns: number): number {
  const scale = Number(process.env.GROVE_PROPERTY_SCALE ?? "1");
  return Math.max(20, Math.round(numRuns * (Number.isFinite(scale) && scale > 0 ? scale : 1)));
}
