/**
 * JUnit XML for CI systems, valid against Jenkins' junit-10.xsd (test/fixtures/junit-10.xsd), the
 * strictest schema in common use. One testsuite per worktree with one testcase per scenario; a scenario
 * whose test command wrote its own JUnit (pipeline `test.junit`) gets a testsuite of its own holding
 * those tests. Retries follow Surefire: a flaky pass carries `flakyFailure`/`flakyError` per failed
 * attempt, a failure carries `rerunFailure`/`rerunError` for the attempts before the last.
 * The output tail goes in `system-out` as CDATA. Pure: builds a tree, xml-tree.ts serializes it.
 * Not responsible for: writing the file (JUnitReporter writes it atomically).
 */
import type { AttemptResult, TestCaseResult } from "../events.js";
import type { Report, ReportScenario } from "./build-report.js";
import type { Reporter } from "./reporter.js";
import { writeOutputFile } from "./write-output.js";
import { el, serializeXml, type XmlChild, type XmlElement } from "./xml-tree.js";

type Outcome = "passed" | "failed" | "errored" | "skipped";

const outcomeOf = (s: ReportScenario["status"]): Outcome =>
  s === "passed"
    ? "passed"
    : s === "failed"
      ? "failed"
      : s === "skipped" || s === "cancelled"
        ? "skipped"
        : "errored";

const seconds = (x: number) => x.toFixed(3);

/** The path part of a test id (`tests/test_api.py::test_x` -> `tests/test_api.py`), if it looks like one. */
export function fileOfTestId(id: string | undefined): string | undefined {
  const path = id?.split("::")[0]?.trim();
  return path && /^[\w./@+-]+$/.test(path) && !path.startsWith("-") ? path : undefined;
}

interface Case {
  element: XmlElement;
  outcome: Outcome;
}

/** What an earlier attempt that did not pass looked like, as Surefire's rerun/flaky element. */
function rerunElement(kind: "rerun" | "flaky", a: AttemptResult): XmlElement {
  const error = a.status !== "failed";
  const tail = a.test?.outputTail ?? "";
  return el(
    `${kind}${error ? "Error" : "Failure"}`,
    { type: a.reason, message: `attempt ${a.attempt}: ${a.status} (${a.reason})` },
    tail ? [el("system-out", undefined, [{ cdata: tail }])] : [],
  );
}

function scenarioCase(s: ReportScenario): Case {
  const outcome = outcomeOf(s.status);
  const children: XmlChild[] = [];
  const earlier = s.attempt_results.slice(0, -1).filter((a) => a.status !== "passed");
  const body = `${s.detail}${s.output_tail ? `\n${s.output_tail}` : ""}`;
  if (outcome === "failed" || outcome === "errored") {
    const name = outcome === "failed" ? "failure" : "error";
    children.push(el(name, { type: s.reason, message: s.detail }, [{ text: body }]));
    for (const a of earlier) children.push(rerunElement("rerun", a));
  } else if (outcome === "skipped") {
    children.push(el("skipped", { message: s.detail }));
  } else if (s.flaky) {
    for (const a of earlier) children.push(rerunElement("flaky", a));
  }
  const out = [s.log_path ? `log: ${s.log_path}` : "", s.output_tail].filter(Boolean).join("\n");
  if (out) children.push(el("system-out", undefined, [{ cdata: out }]));
  return {
    outcome,
    element: el("testcase", { name: s.name, classname: s.worktree, time: seconds(s.duration) }, children),
  };
}

const caseKey = (t: TestCaseResult) => `${t.classname}\u0000${t.name}`;

/** The tests one scenario's own JUnit reported, plus the scenario itself when it ended badly without a failing test. */
function collectedCases(s: ReportScenario, tests: TestCaseResult[]): Case[] {
  const earlierFailures = new Map<string, TestCaseResult[]>();
  for (const a of s.attempt_results.slice(0, -1))
    for (const t of a.test?.tests ?? [])
      if (t.status === "failed" || t.status === "errored")
        earlierFailures.set(caseKey(t), [...(earlierFailures.get(caseKey(t)) ?? []), t]);
  const cases = tests.map((t): Case => {
    const children: XmlChild[] = [];
    const text = t.detail ?? t.message ?? "";
    if (t.status === "failed" || t.status === "errored")
      children.push(
        el(t.status === "failed" ? "failure" : "error", { type: t.status, message: t.message }, [{ text }]),
      );
    else if (t.status === "skipped") children.push(el("skipped", { message: t.message }));
    for (const e of earlierFailures.get(caseKey(t)) ?? [])
      children.push(
        el(
          `${t.status === "passed" ? "flaky" : "rerun"}${e.status === "failed" ? "Failure" : "Error"}`,
          { type: e.status, message: e.message },
          e.detail ? [el("stackTrace", undefined, [{ text: e.detail }])] : [],
        ),
      );
    return {
      outcome: t.status,
      element: el("testcase", { name: t.name, classname: t.classname, time: seconds(t.seconds) }, children),
    };
  });
  const anyBad = tests.some((t) => t.status === "failed" || t.status === "errored");
  const verdict = outcomeOf(s.status);
  if ((verdict === "failed" || verdict === "errored") && !anyBad) cases.push(scenarioCase(s));
  return cases;
}

function suite(name: string, cases: Case[], extra: XmlElement["attrs"] = {}): XmlElement {
  const n = (o: Outcome) => cases.filter((c) => c.outcome === o).length;
  const time = cases.reduce((t, c) => t + Number(c.element.attrs?.time ?? 0), 0);
  return el(
    "testsuite",
    {
      name,
      tests: cases.length,
      failures: n("failed"),
      errors: n("errored"),
      skipped: n("skipped"),
      time: seconds(time),
      ...extra,
    },
    cases.map((c) => c.element),
  );
}

/** How the scenarios are grouped into suites. */
export interface JUnitOptions {
  /**
   * Each scenario is its own suite, `worktree › scenario`, whatever became of it (ran with its tests,
   * failed before writing them, skipped): the pipeline collects per-test JUnit (`test.junit`), so a
   * scenario keeps one suite name from run to run. Default: when any scenario in the report has tests.
   * Otherwise one suite per worktree, one case per scenario.
   */
  suitePerScenario?: boolean;
}

/** The JUnit tree of a report (exported for tests and merge-reports). */
function junitTree(report: Report, options: JUnitOptions = {}): XmlElement {
  const perScenario = options.suitePerScenario ?? report.scenarios.some((s) => s.tests?.length);
  const byWorktree = new Map<string, Case[]>();
  const suites: XmlElement[] = [];
  const own: XmlElement[] = [];
  for (const s of report.scenarios) {
    if (perScenario) {
      const tests = s.tests ?? [];
      const file = tests.find((t) => t.file)?.file ?? fileOfTestId(s.test_file);
      own.push(
        suite(`${s.worktree} › ${s.name}`, tests.length ? collectedCases(s, tests) : [scenarioCase(s)], {
          ...(file ? { file } : {}),
          ...(s.started_at ? { timestamp: s.started_at } : {}),
        }),
      );
      continue;
    }
    byWorktree.set(s.worktree, [...(byWorktree.get(s.worktree) ?? []), scenarioCase(s)]);
  }
  for (const [worktree, cases] of byWorktree) suites.push(suite(worktree, cases));
  suites.push(...own);
  const total = (attr: string) => suites.reduce((t, x) => t + Number(x.attrs?.[attr] ?? 0), 0);
  return el(
    "testsuites",
    {
      name: "grove",
      tests: total("tests"),
      failures: total("failures"),
      errors: total("errors"),
      time: seconds(report.summary.duration),
    },
    suites,
  );
}

/** The JUnit XML document of a report. */
export function renderJUnit(report: Report, options: JUnitOptions = {}): string {
  return serializeXml(junitTree(report, options));
}

/** `--junit FILE` as a reporter: writes the XML atomically at the end of the run. */
export class JUnitReporter implements Reporter {
  constructor(
    private readonly path: string,
    private readonly options: JUnitOptions = {},
  ) {}

  onEnd(report: Report): void {
    writeOutputFile(this.path, renderJUnit(report, this.options));
  }
}
