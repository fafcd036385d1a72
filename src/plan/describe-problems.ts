/** Turns planner problems into located diagnostics for the user. */

import type { Scenario } from "../config/types.js";
import type { Diagnostic, SourceLocation } from "../errors.js";
import type { PathSegment } from "../util/json-pointer.js";
import type { PlanProblem } from "./plan.js";

export function describePlanProblems(
  problems: readonly PlanProblem[],
  scenarios: readonly Scenario[],
  locate: (path: readonly PathSegment[]) => SourceLocation,
): Diagnostic[] {
  const indexOf = new Map(scenarios.map((s) => [s.name, s.index]));
  return problems.map((p): Diagnostic => {
    if (p.kind === "unknown-dependency") {
      return {
        location: locate(p.path),
        message: `scenario "${p.scenario}" depends on "${p.dependency}", which is not a scenario in this file${p.suggestion ? `; did you mean "${p.suggestion}"?` : ""}`,
        hint: p.suggestion
          ? `change it to "${p.suggestion}"`
          : "remove the dependency or add a scenario with that name",
      };
    }
    const first = p.path[0]!;
    const second = p.path[1]!;
    const deps = scenarios[indexOf.get(first)!]!.dependencies;
    return {
      location: locate(["scenarios", indexOf.get(first)!, "dependencies", deps.indexOf(second)]),
      message: `dependency cycle: ${p.path.join(" -> ")} (each scenario depends on the next)`,
      hint: "remove one of these dependencies to break the cycle",
    };
  });
}
