/**
 * Turns the command line's ways of picking scenarios by name into one list of exact names, as test
 * runners do it: `grove run NAME|GLOB...` (picomatch globs), `--grep REGEX` on names, `--last-failed`
 * (what did not pass in the last report). Each given selector narrows the selection (they combine with
 * AND, as tags and worktrees do). A name that matches nothing is a usage error with a suggestion.
 * Not responsible for: pulling in dependencies (plan/select.ts does, unless --no-deps).
 */
import { readFileSync } from "node:fs";
import type { Scenario } from "../config/types.js";
import { NothingSelectedError, UsageError } from "../errors.js";
import { closest } from "../util/did-you-mean.js";
import { picomatch } from "../util/glob-match.js";
import { parseReportJson } from "./report-json.js";

export interface NameSelectors {
  /** Positional arguments: exact names or globs. */
  patterns: readonly string[];
  grep?: string;
  /** The report whose non-passed scenarios to rerun (`--last-failed`). */
  lastFailedReport?: string;
}

/** The names selected, or undefined when no selector was given (then tags/worktrees alone decide). */
export function selectNames(scenarios: readonly Scenario[], sel: NameSelectors): string[] | undefined {
  if (sel.patterns.length === 0 && sel.grep === undefined && sel.lastFailedReport === undefined)
    return undefined;
  const all = scenarios.map((s) => s.name);
  let names = new Set(all);
  if (sel.patterns.length > 0) {
    const picked = new Set<string>();
    for (const pattern of sel.patterns) {
      const isGlob = picomatch().scan(pattern).isGlob;
      const isMatch = isGlob ? picomatch()(pattern, { dot: true }) : (n: string) => n === pattern;
      const matches = all.filter((n) => isMatch(n));
      if (matches.length === 0) {
        const hint = isGlob ? "" : closest(pattern, all);
        throw new UsageError(
          `no scenario ${isGlob ? "matches" : "is named"} "${pattern}"${hint ? `; did you mean "${hint}"?` : ""}; grove plan lists them`,
        );
      }
      for (const m of matches) picked.add(m);
    }
    names = picked;
  }
  if (sel.grep !== undefined) {
    let re: RegExp;
    try {
      re = new RegExp(sel.grep);
    } catch (error) {
      throw new UsageError(
        `--grep "${sel.grep}" is not a valid regular expression: ${(error as Error).message}`,
      );
    }
    names = new Set([...names].filter((n) => re.test(n)));
    if (names.size === 0)
      throw new NothingSelectedError(`no selected scenario's name matches --grep ${sel.grep}`);
  }
  if (sel.lastFailedReport !== undefined) {
    const failed = lastFailed(sel.lastFailedReport);
    names = new Set([...names].filter((n) => failed.has(n)));
  }
  return [...names];
}

/** Names that did not pass in a report (failed, errored, timed out, skipped, cancelled). */
function lastFailed(reportPath: string): Set<string> {
  let text: string;
  try {
    text = readFileSync(reportPath, "utf8");
  } catch {
    throw new UsageError(
      `--last-failed reads the last report, and ${reportPath} is missing or not JSON; run once first, or pass --report FILE`,
    );
  }
  const report = (parseReportJson(
    text,
    reportPath,
    "--last-failed reads the report the last run wrote, whole: run once without it, or pass --report FILE",
  ) ?? {}) as { scenarios?: { name?: unknown; status?: unknown }[] };
  if (!Array.isArray(report.scenarios))
    throw new UsageError(`--last-failed: ${reportPath} has no "scenarios" list; is it a Grove report?`);
  return new Set(
    report.scenarios.flatMap((s) => (typeof s.name === "string" && s.status !== "passed" ? [s.name] : [])),
  );
}
