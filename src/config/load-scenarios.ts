/**
 * Loads a scenarios.json (the original's format, comments tolerated): parse, validate against
 * `schemas/scenarios.schema.json`, apply the cross-field rules, normalize. Throws ConfigError with every
 * problem found, each with file:line:column and JSON path.
 */
import { ConfigError, type Diagnostic, type SourceLocation } from "../errors.js";
import type { PathSegment } from "../util/json-pointer.js";
import { nulProblems } from "./document-checks.js";
import { normalizeExitCodes, type RawExitCodes, reservedReasonProblems } from "./exit-meanings.js";
import { parseJsonDocument } from "./json-document.js";
import { readConfigFile } from "./read-config-file.js";
import { checkScenarioRules } from "./rules.js";
import { validateDocument } from "./schema-validator.js";
import { SCENARIO_VARIABLES } from "./templates.js";
import type { Scenario } from "./types.js";

/** Scenarios plus a way to point at any place in the file they came from. */
export interface LoadedScenarios {
  file: string;
  scenarios: Scenario[];
  locate(path: readonly PathSegment[]): SourceLocation;
}

/** A scenario as written in scenarios.json (the original's field names), before normalization. */
export interface ScenarioInput {
  name: string;
  description?: string;
  worktree: string;
  test_file?: string;
  dependencies?: string[];
  timeout?: number;
  retry_count?: number;
  tags?: string[];
  run?: string[];
  env?: Record<string, string>;
  exit_codes?: RawExitCodes;
}

export function loadScenariosFile(file: string): LoadedScenarios {
  const text = readConfigFile(
    file,
    "scenarios file",
    "pass --scenarios FILE, or create scenarios.json in the current directory",
  );
  return parseScenarios(file, text);
}

/** Same as loadScenariosFile, from text already in memory. */
export function parseScenarios(file: string, text: string): LoadedScenarios {
  const { doc, problems } = parseJsonDocument(file, text);
  if (!doc) throw new ConfigError(problems);
  const nul = nulProblems(doc, text);
  if (nul.length > 0) throw new ConfigError(nul);
  if (Array.isArray(doc.value))
    // The commonest slip: the list itself, without the object around it.
    throw new ConfigError([
      {
        location: doc.locate([]),
        message: 'expected an object with a "scenarios" list, found a bare list',
        hint: 'wrap the list: {"scenarios": [ ... ]}',
      },
    ]);
  const schemaProblems = validateDocument("scenarios", doc);
  if (schemaProblems.length > 0) throw new ConfigError(schemaProblems);
  const raw = (doc.value as { scenarios: ScenarioInput[] }).scenarios;
  if (raw.length === 0)
    // Not "filters matched nothing" (exit 4): there is nothing to filter.
    throw new ConfigError([
      {
        location: doc.locate(["scenarios"]),
        message: "the scenarios list is empty: there is nothing to plan or run",
        hint: 'add a scenario, e.g. {"name": "smoke", "worktree": "smoke", "test_file": "tests/test_smoke.py"}',
      },
    ]);
  const rules = [
    ...checkScenarioRules(raw, SCENARIO_VARIABLES),
    ...raw.flatMap((s, i) => reservedReasonProblems(s.exit_codes, ["scenarios", i, "exit_codes"])),
  ];
  const ruleProblems: Diagnostic[] = rules.map((p) => ({
    location: doc.locate(p.path),
    message: p.message,
    ...(p.hint ? { hint: p.hint } : {}),
  }));
  if (ruleProblems.length > 0) throw new ConfigError(ruleProblems);
  return { file, scenarios: raw.map(normalizeScenario), locate: doc.locate };
}

function normalizeScenario(s: ScenarioInput, index: number): Scenario {
  return {
    name: s.name,
    description: s.description ?? "",
    worktree: s.worktree,
    ...(s.test_file !== undefined ? { testFile: s.test_file } : {}),
    dependencies: s.dependencies ?? [],
    ...(s.timeout !== undefined ? { timeout: s.timeout } : {}),
    ...(s.retry_count !== undefined ? { retryCount: s.retry_count } : {}),
    tags: s.tags ?? [],
    ...(s.run !== undefined ? { run: s.run } : {}),
    env: s.env ?? {},
    ...(s.exit_codes !== undefined ? { exitCodes: normalizeExitCodes(s.exit_codes) } : {}),
    index,
  };
}
