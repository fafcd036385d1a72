/** How reporters name one collected test: `file::name` (pytest's node id) where the file is known, else `classname.name`. */
import type { TestCaseResult } from "../events.js";

export function testCaseId(t: TestCaseResult): string {
  if (t.file) return `${t.file}::${t.name}`;
  return t.classname ? `${t.classname}.${t.name}` : t.name;
}

/** The tests that did not pass (failed or errored), in the runner's order. */
export function failingTests(tests: readonly TestCaseResult[] | undefined): TestCaseResult[] {
  return (tests ?? []).filter((t) => t.status === "failed" || t.status === "errored");
}
