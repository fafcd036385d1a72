/**
 * Reads the JUnit XML a test command wrote (pytest's --junitxml, vitest's junit reporter, Surefire,
 * Node's `--test-reporter=junit`) into the individual tests Grove reports under their scenario.
 * Tolerant of the dialects: a bare <testsuite> or <testsuites>, test cases directly under
 * <testsuites> (Node), nested suites, `file`/`line` where the runner gives them. Never throws:
 * a missing or broken file comes back as a problem sentence, and the scenario's verdict stays its exit
 * code's. Only a tail of each failure's text is kept (the log has all of it).
 */
import { readFileSync, statSync } from "node:fs";
import { XMLParser, XMLValidator } from "fast-xml-parser";
import type { TestCaseResult } from "../events.js";

const MAX_BYTES = 64 * 1024 * 1024;
const DETAIL_LINES = 30;

type Node = Record<string, unknown>;

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: "@",
  textNodeName: "#text",
  cdataPropName: false,
  parseAttributeValue: false,
  parseTagValue: false,
  processEntities: true,
  htmlEntities: true,
  isArray: (name) => ["testsuite", "testcase", "failure", "error", "skipped"].includes(name),
});

const asNodes = (v: unknown): Node[] =>
  Array.isArray(v) ? (v as Node[]) : v && typeof v === "object" ? [v as Node] : [];
const attr = (n: Node, name: string): string | undefined => {
  const v = n[`@${name}`];
  return typeof v === "string" ? v : undefined;
};
const textOf = (n: Node | string): string => (typeof n === "string" ? n : String(n["#text"] ?? "")).trim();
const tail = (text: string) => text.split("\n").slice(-DETAIL_LINES).join("\n");
const oneLine = (text: string | undefined) => text?.split("\n")[0]?.trim().slice(0, 500) || undefined;

export type JUnitRead = { tests: TestCaseResult[] } | { problem: string };

/** The tests in a JUnit file, or why there are none to show. */
export function readJUnitFile(path: string): JUnitRead {
  let text: string;
  try {
    if (statSync(path).size > MAX_BYTES) return { problem: `${path} is larger than 64 MB; not read` };
    text = readFileSync(path, "utf8");
  } catch {
    return { problem: `the test command wrote no JUnit file at ${path}` };
  }
  return parseJUnit(text, path);
}

/** Parses JUnit XML text (exported for tests). */
export function parseJUnit(text: string, shown = "JUnit"): JUnitRead {
  const valid = XMLValidator.validate(text);
  if (valid !== true) return { problem: `${shown} is not XML: ${valid.err.msg} (line ${valid.err.line})` };
  let doc: Node;
  try {
    doc = parser.parse(text) as Node;
  } catch (error) {
    return { problem: `${shown} is not XML: ${(error as Error).message.split("\n")[0]}` };
  }
  // <testsuites> is walked like a suite: Node's own junit reporter (node --test --test-reporter=junit)
  // puts its <testcase>s directly in it, with a <testsuite> only for each describe().
  const roots = [...asNodes(doc.testsuites), ...asNodes(doc.testsuite)];
  if (roots.length === 0 && !doc.testsuites)
    return { problem: `${shown} has no <testsuites> or <testsuite>` };
  const tests: TestCaseResult[] = [];
  const walk = (suite: Node, outerFile: string | undefined) => {
    const file = attr(suite, "file") ?? outerFile;
    for (const c of asNodes(suite.testcase)) tests.push(toTest(c, file));
    for (const inner of asNodes(suite.testsuite)) walk(inner, file);
  };
  for (const r of roots) walk(r, undefined);
  return { tests };
}

function toTest(c: Node, suiteFile: string | undefined): TestCaseResult {
  // An element without attributes parses as a string ("" when empty): presence is what counts.
  const first = (v: unknown): Node | undefined => {
    const x = Array.isArray(v) ? v[0] : v;
    return x === undefined ? undefined : typeof x === "string" ? { "#text": x } : (x as Node);
  };
  const failure = first(c.failure);
  const error = first(c.error);
  const skipped = first(c.skipped);
  const bad = failure ?? error;
  const status: TestCaseResult["status"] = failure
    ? "failed"
    : error
      ? "errored"
      : skipped
        ? "skipped"
        : "passed";
  const given = attr(c, "file") ?? suiteFile;
  const attrLine = Number(attr(c, "line"));
  const hasLine = Number.isInteger(attrLine) && attrLine >= 0 && attr(c, "line") !== undefined;
  // pytest's JUnit (xunit2) has no file or line; its traceback has `tests/test_api.py:12: ...`.
  const where = !hasLine && bad ? locationInTrace(textOf(bad), given, attr(c, "classname")) : undefined;
  const file = given ?? where?.file;
  const line = hasLine ? attrLine : where?.line;
  const message = bad
    ? (oneLine(attr(bad, "message")) ?? oneLine(textOf(bad)))
    : skipped
      ? oneLine(attr(skipped, "message"))
      : undefined;
  const detail = bad ? tail(textOf(bad)) : undefined;
  const seconds = Number(attr(c, "time"));
  return {
    classname: attr(c, "classname") ?? "",
    name: attr(c, "name") ?? "(unnamed)",
    ...(file ? { file } : {}),
    ...(line !== undefined ? { line } : {}),
    status,
    seconds: Number.isFinite(seconds) && seconds >= 0 ? seconds : 0,
    ...(message ? { message } : {}),
    ...(detail ? { detail } : {}),
  };
}

/** `path.ext:LINE:` at the start of a traceback line (pytest's "tests/test_api.py:12: AssertionError"). */
const TRACE_LOCATION = /^\s*([\w./@+-]+\.[A-Za-z]\w*):(\d+):/gm;

/**
 * Where a failure happened, read from its traceback: the last frame in the test's own file when that is
 * known (the assertion, not the library code under it); else the last frame in the module pytest's
 * classname names (`tests.test_api.TestUsers` -> `tests/test_api.py`); else the first frame with a
 * relative path (the project's: pytest shows files outside its rootdir, the standard library's or a
 * venv's, as absolute paths). Not simply the first frame: a chained exception's traceback ("During
 * handling of the above exception") begins where the first exception was raised, often in a library.
 */
function locationInTrace(
  text: string,
  file: string | undefined,
  classname: string | undefined,
): { file: string; line: number } | undefined {
  const frames = [...text.matchAll(TRACE_LOCATION)].map((m) => ({ file: m[1]!, line: Number(m[2]) }));
  if (file !== undefined) {
    const own = frames.filter(
      (f) => f.file === file || f.file.endsWith(`/${file}`) || file.endsWith(`/${f.file}`),
    );
    const last = own[own.length - 1];
    return last ? { file, line: last.line } : undefined;
  }
  const inModule = classname ? frames.filter((f) => namesModule(classname, f.file)) : [];
  return inModule[inModule.length - 1] ?? frames.find((f) => !f.file.startsWith("/")) ?? frames[0];
}

/**
 * Whether a pytest classname (`toolz.tests.test_package`, `test_api.TestUsers`) begins with the module
 * path of `file`, or with a tail of it (a classname relative to a deeper rootdir than the frame's path).
 */
function namesModule(classname: string, file: string): boolean {
  if (!file.endsWith(".py")) return false;
  const module = file.slice(0, -3).split("/");
  const parts = classname.split(".");
  const base = module[module.length - 1];
  for (let j = 0; j < parts.length; j++) {
    if (parts[j] !== base || j + 1 > module.length) continue;
    const tail = module.slice(module.length - j - 1);
    if (tail.every((segment, k) => segment === parts[k])) return true;
  }
  return false;
}
