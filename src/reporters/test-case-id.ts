/**
 * How reporters name one collected test: pytest's node id `file::Class::name` where the file is known
 * (so it can be pasted into `pytest` to run that test again), else `classname.name`.
 */
import type { TestCaseResult } from "../events.js";

export function testCaseId(t: TestCaseResult): string {
  if (t.file) {
    const classes = classesIn(t.classname, t.file);
    return `${t.file}::${classes ? `${classes}::` : ""}${t.name}`;
  }
  return t.classname ? `${t.classname}.${t.name}` : t.name;
}

/**
 * The test's class path in its file, `Outer::Inner`, when `classname` is pytest's: the file's module
 * path (`tests/test_api.py` -> `tests.test_api`) followed by the classes; else nothing (a plain test
 * function, or another runner's classname, which is not a path in the file).
 */
function classesIn(classname: string, file: string): string | undefined {
  const module = file.replace(/\.py$/, "").replaceAll("/", ".");
  if (module === file || !classname.startsWith(`${module}.`)) return undefined;
  return classname.slice(module.length + 1).replaceAll(".", "::") || undefined;
}

/** The tests that did not pass (failed or errored), in the runner's order. */
export function failingTests(tests: readonly TestCaseResult[] | undefined): TestCaseResult[] {
  return (tests ?? []).filter((t) => t.status === "failed" || t.status === "errored");
}
