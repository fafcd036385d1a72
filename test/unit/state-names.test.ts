/**
 * One name per worktree state and reason: the unions in src/events.ts are the only source, and the
 * JSON schema, the docs, the code and the inspector use nothing else. (A merge conflict was once
 * `pull-conflict`, `merge-conflict`, `behind-coordinator` and, in the docs, `conflict`.)
 */
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { describe, expect, it } from "vitest";
import {
  BUILTIN_REASONS,
  FINAL_STATUSES,
  WORKTREE_PROBLEMS,
  WORKTREE_PROGRESS,
  WORKTREE_STATES,
} from "../../src/events.js";

const ROOT = join(import.meta.dirname, "..", "..");
const read = (path: string) => readFileSync(join(ROOT, path), "utf8");

function filesUnder(dir: string, ext: RegExp): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const e of readdirSync(join(ROOT, d))) {
      const rel = join(d, e);
      if (statSync(join(ROOT, rel)).isDirectory()) walk(rel);
      else if (ext.test(e)) out.push(rel);
    }
  };
  walk(dir);
  return out;
}

/** Names that were retired for one of the union's (each lived somewhere before). */
const RETIRED = [
  "stale-setup",
  "behind-coordinator",
  "pull-conflict",
  "worktree-failed",
  "not-a-worktree-of-this-repo",
];

const PIPELINE_REASONS = [
  ...new Set(
    filesUnder("pipelines", /\.ya?ml$/).flatMap((f) =>
      [...read(f).matchAll(/reason: ([a-z-]+)/g)].map((m) => m[1]!),
    ),
  ),
];
const SCENARIO_STATES = ["pending", "waiting", "queued", "running", ...FINAL_STATUSES];
/** Backticked kebab-case words in the docs that look like states or reasons but are not. */
const OTHER_DOC_WORDS = ["worktree-status", "scenario-status"];
/** A word looks like a state or reason when one of its parts is one of these. */
const STATE_LIKE =
  /(^|-)(failed|missing|conflict|refused|busy|setup|set|ready|worktree|coordinator|cancelled|error|timeout|stale|dirty|behind|skipped|passed|kept|removed)(-|$)/;

describe("state and reason names come from the one union (src/events.ts)", () => {
  it("the report schema enumerates exactly WORKTREE_STATES for worktrees[].state", () => {
    const schema = JSON.parse(read("schemas/report.schema.json"));
    expect(schema.properties.worktrees.items.properties.state.enum).toEqual([...WORKTREE_STATES]);
  });

  it("the report schema enumerates exactly WORKTREE_PROBLEMS for a skip's root cause", () => {
    const schema = JSON.parse(read("schemas/report.schema.json"));
    expect(schema.$defs.worktreeProblem.enum).toEqual([...WORKTREE_PROBLEMS]);
  });

  it("docs/worktrees.md's table of states lists exactly WORKTREE_STATES, in order", () => {
    const doc = read("docs/worktrees.md");
    const section = doc.slice(doc.indexOf("## States and reasons"));
    const table = section.slice(0, section.indexOf("\n\n", section.indexOf("| state |")));
    const names = [...table.matchAll(/^\| `([a-z-]+)` \|/gm)].map((m) => m[1]);
    expect(names).toEqual([...WORKTREE_STATES]);
    for (const stage of WORKTREE_PROGRESS) expect(section).toContain(`\`${stage}\``);
  });

  it("every backticked state-like word in README and docs is a state, stage, status or reason", () => {
    expect(
      STATE_LIKE.test("stale-setup") && STATE_LIKE.test("not-set-up") && STATE_LIKE.test("pull-conflict"),
    ).toBe(true);
    const known = new Set<string>([
      ...WORKTREE_STATES,
      ...WORKTREE_PROGRESS,
      ...BUILTIN_REASONS,
      ...SCENARIO_STATES,
      ...PIPELINE_REASONS,
      ...OTHER_DOC_WORDS,
    ]);
    const unknown: string[] = [];
    for (const file of ["README.md", ...filesUnder("docs", /\.md$/)])
      for (const m of read(file).matchAll(/`([a-z]+(?:-[a-z]+)+)`/g))
        if (STATE_LIKE.test(m[1]!) && !known.has(m[1]!)) unknown.push(`${file}: \`${m[1]}\``);
    // Add a new name to the union in src/events.ts (or, if it is no state or reason, to OTHER_DOC_WORDS).
    expect(unknown).toEqual([]);
  });

  it("no retired name survives in code, schemas, pipelines, docs or the inspector", () => {
    const files = [
      "README.md",
      ...filesUnder("src", /\.ts$/),
      ...filesUnder("schemas", /\.json$/),
      ...filesUnder("pipelines", /\.ya?ml$/),
      ...filesUnder("docs", /\.md$/),
      ...filesUnder("assets", /\.(js|html|css)$/),
    ];
    const found = files.flatMap((f) =>
      RETIRED.filter((name) => read(f).includes(name)).map(
        (name) => `${relative(ROOT, join(ROOT, f))}: ${name}`,
      ),
    );
    expect(found).toEqual([]);
    // The docs once called a merge conflict `conflict`.
    for (const f of ["README.md", ...filesUnder("docs", /\.md$/)]) expect(read(f)).not.toMatch(/`conflict`/);
  });

  it("every reason literal in src is a built-in reason, and every worktree problem is a reason", () => {
    const reasons = new Set<string>(BUILTIN_REASONS);
    const strays = filesUnder("src", /\.ts$/).flatMap((f) =>
      [...read(f).matchAll(/\breason: "([a-z-]+)"/g)]
        .map((m) => m[1]!)
        .filter((r) => !reasons.has(r))
        .map((r) => `${f}: ${r}`),
    );
    expect(strays).toEqual([]);
    for (const p of WORKTREE_PROBLEMS) expect(reasons.has(p)).toBe(true);
  });
});
