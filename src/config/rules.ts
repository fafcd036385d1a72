/**
 * Cross-field rules the schema cannot express: unique names, safe worktree names, test files that
 * cannot become options, valid templates. Pure: takes raw validated values, returns diagnostics with
 * JSON paths (the loader adds line:column). Dependency references are checked by the planner.
 */

import { closest } from "../util/did-you-mean.js";
import type { PathSegment } from "../util/json-pointer.js";
import { worktreeNameProblem } from "./names.js";
import { parseTemplate, TemplateSyntaxError } from "./templates.js";

export interface RuleProblem {
  path: PathSegment[];
  message: string;
  hint?: string;
}

interface RawScenario {
  name: string;
  worktree: string;
  test_file?: string;
  run?: string[];
}

export function checkScenarioRules(
  scenarios: readonly RawScenario[],
  allowedVariables: readonly string[],
): RuleProblem[] {
  const problems: RuleProblem[] = [];
  const firstIndex = new Map<string, number>();
  scenarios.forEach((s, i) => {
    const at = ["scenarios", i];
    const first = firstIndex.get(s.name);
    if (first !== undefined) {
      problems.push({
        path: [...at, "name"],
        message: `duplicate scenario name "${s.name}"; it is also scenario ${first} (/scenarios/${first}/name)`,
        hint: "give each scenario a unique name",
      });
    } else firstIndex.set(s.name, i);

    const wtProblem = worktreeNameProblem(s.worktree);
    if (wtProblem) {
      problems.push({
        path: [...at, "worktree"],
        message: `worktree name "${s.worktree}" ${wtProblem}`,
        hint: 'a worktree name is a single directory name under the base path, e.g. "parser-errors"',
      });
    }
    if (s.test_file === undefined && s.run === undefined) {
      problems.push({
        path: at,
        message: 'missing required key "test_file"',
        hint: 'give "test_file" (what the test command runs) or "run" (a full argv)',
      });
    }
    if (s.test_file?.startsWith("-")) {
      problems.push({
        path: [...at, "test_file"],
        message: `test_file "${s.test_file}" starts with "-" and would be read as an option by the test runner`,
        hint: "name a test path or node id; to pass options, use the pipeline's test.run or the scenario's run",
      });
    }
    s.run?.forEach((arg, j) => {
      problems.push(...templateProblems(arg, [...at, "run", j], allowedVariables));
    });
  });
  return problems;
}

/** Syntax errors and unknown variables in one template string. */
export function templateProblems(
  text: string,
  path: PathSegment[],
  allowed: readonly string[],
): RuleProblem[] {
  try {
    return parseTemplate(text).flatMap((part) => {
      if (!("variable" in part) || allowed.includes(part.variable)) return [];
      const near = closest(part.variable, allowed);
      return [
        {
          path,
          message: `unknown template variable {${part.variable}}${near ? `; did you mean {${near}}?` : ""}`,
          hint: `variables available here: ${allowed.map((v) => `{${v}}`).join(", ")}`,
        },
      ];
    });
  } catch (error) {
    if (error instanceof TemplateSyntaxError)
      return [{ path, message: `bad template ${JSON.stringify(text)}: ${error.message}` }];
    throw error;
  }
}
