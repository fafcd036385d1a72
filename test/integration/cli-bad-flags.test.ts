/**
 * Every flag of every command with bad values (issue #12), table-driven from the commands' own option
 * specs: a new flag is covered by the generic rows of its type at once, and a string flag must be given
 * a row in BAD_STRING_VALUES (or a reason in ANY_STRING) or this test fails. Each bad value exits 2
 * (4 for a filter that matches nothing) before anything runs, naming the flag or the file, never with
 * "bug in Grove" or a stack trace.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { INSPECT_OPTIONS } from "../../src/cli/commands/inspect-command.js";
import { MERGE_REPORTS_OPTIONS } from "../../src/cli/commands/merge-reports-command.js";
import { PLAN_OPTIONS } from "../../src/cli/commands/plan-command.js";
import { RUN_OPTIONS } from "../../src/cli/commands/run-command.js";
import { WORKTREES_OPTIONS } from "../../src/cli/commands/worktrees-command.js";
import { main } from "../../src/cli/main.js";
import type { OptionSpec, OptionSpecs } from "../../src/cli/parse-args.js";
import { sh } from "../helpers/git-repo.js";

const COMMANDS: Record<string, OptionSpecs> = {
  run: RUN_OPTIONS,
  plan: PLAN_OPTIONS,
  worktrees: WORKTREES_OPTIONS,
  inspect: INSPECT_OPTIONS,
  "merge-reports": MERGE_REPORTS_OPTIONS,
};

let repo: string;
let aDirectory: string;
let aFile: string;
/** A report cut short mid-write (its third line is the last). */
let cutReport: string;

interface BadValue {
  /** Only for these commands (default: every command with the flag). */
  commands?: string[];
  /** The arguments after the command (the flag and its value, and any flag it needs). */
  args: () => string[];
  exit: 2 | 4;
  /** What stderr must say. */
  says: RegExp;
}
const bad = (args: () => string[], says: RegExp, exit: 2 | 4 = 2, commands?: string[]): BadValue => ({
  args,
  exit,
  says,
  ...(commands ? { commands } : {}),
});
const RUN_ONLY = ["run"];

/** Bad values of each string flag; every string flag of every command must be here or in ANY_STRING. */
const BAD_STRING_VALUES: Record<string, BadValue[]> = {
  "main-repo": [
    bad(
      () => ["--main-repo", "/nonexistent/grove"],
      /--main-repo \/nonexistent\/grove: no such directory/,
      2,
      ["run", "plan", "worktrees"],
    ),
    bad(() => ["--main-repo", "/nonexistent/grove"], /no recorded runs under \/nonexistent\/grove/, 2, [
      "inspect",
    ]),
  ],
  scenarios: [
    bad(() => ["--scenarios", "/dev/zero"], /\/dev\/zero: scenarios file is not a regular file/),
    bad(() => ["--scenarios", aDirectory], /scenarios file is a directory/),
    bad(() => ["--scenarios", "missing.json"], /missing\.json: scenarios file not found/),
  ],
  pipeline: [
    bad(() => ["--pipeline", "missing.yaml"], /missing\.yaml: pipeline file not found/),
    bad(() => ["--pipeline", "/dev/zero"], /pipeline file is not a regular file/),
  ],
  "filter-tag": [bad(() => ["--filter-tag", "no-such-tag"], /no scenario matches tag no-such-tag/, 4)],
  "filter-worktree": [bad(() => ["--filter-worktree", "nope"], /no scenario matches worktree nope/, 4)],
  graph: [bad(() => ["--graph", "svg"], /--graph expects "dot" or "mermaid", got "svg"/)],
  report: [
    bad(() => ["--report", aDirectory], /--report .* is a directory; name a file/, 2, RUN_ONLY),
    bad(() => ["--last-failed", "--report", "missing.json"], /missing\.json is missing or not JSON/, 2, [
      "plan",
    ]),
    bad(
      () => ["--last-failed", "--report", cutReport],
      /cut-report\.json:3:\d+: .*\n.*fix: --last-failed reads the report the last run wrote, whole/,
      2,
      ["plan"],
    ),
  ],
  junit: [
    bad(
      () => ["--junit", aDirectory],
      /--junit .* is a directory; name a file, e\.g\. .*a-directory\/junit\.xml/,
      2,
      RUN_ONLY,
    ),
  ],
  "html-report": [
    bad(
      () => ["--html-report", aDirectory],
      /--html-report .* is a directory; name a file, e\.g\. .*a-directory\/report\.html/,
      2,
      RUN_ONLY,
    ),
  ],
  "run-dir": [bad(() => ["--run-dir", join(aFile, "sub")], /--run-dir .*: .* is a file/)],
  reporter: [bad(() => ["--reporter", "pdf"], /unknown reporter "pdf"/)],
  "coordinator-ref": [
    bad(
      () => ["--pull-coordinator", "--coordinator-ref", "no-such-ref"],
      /"no-such-ref" names no commit/,
      2,
      RUN_ONLY,
    ),
    bad(
      () => ["--pull-coordinator", "--coordinator-ref=--upload-pack=touch pwned"],
      /starts with "-"/,
      2,
      RUN_ONLY,
    ),
  ],
  grep: [bad(() => ["--grep", "("], /--grep "\(" is not a valid regular expression/)],
  shard: [
    bad(() => ["--shard", "0/2"], /--shard expects i\/n with 1 <= i <= n/),
    bad(() => ["--shard", "3/2"], /--shard expects i\/n/),
    bad(() => ["--shard", "1/99999999999999999999999"], /--shard expects i\/n/),
    bad(() => ["--shard", "x"], /--shard expects i\/n/),
  ],
};

/** String flags whose every value is acceptable here, and why. */
const ANY_STRING: Record<string, string> = {
  "base-path": "any directory, existing or not, may hold the worktrees",
  "merge-reports --report": "written after a merge that takes no time; the shards' reports are the input",
  "merge-reports --junit": "as --report",
  "merge-reports --html-report": "as --report",
  "worktrees --coordinator-ref": "checked per worktree by grove worktrees pull, which reports each",
};

/** The generic bad values of a flag of this kind. */
function genericCases(name: string, spec: OptionSpec): BadValue[] {
  const flag = `--${name}`;
  const rows: BadValue[] = [];
  if (spec.type === "boolean") {
    rows.push(bad(() => [`${flag}=yes`], new RegExp(`option "${flag}" takes no value`)));
    if (!spec.negatable) rows.push(bad(() => [`--no-${name}`], /unknown option "--no-/));
  } else if (spec.implicitValue === undefined) {
    rows.push(bad(() => [flag], new RegExp(`option "${flag}" needs a value`)));
    if (spec.type === "string")
      rows.push(bad(() => [flag, "--help"], new RegExp(`option "${flag}" needs a value`)));
  }
  if (spec.type === "integer") {
    const values = [
      "many",
      "1.5",
      "1e3",
      "0x10",
      "",
      "99999999999999999999999",
      String(spec.min! - 1),
      String(spec.max! + 1),
    ];
    for (const v of values)
      rows.push(
        bad(
          () => [`${flag}=${v}`],
          new RegExp(`option "${flag}" expects a whole number from ${spec.min} to ${spec.max}`),
        ),
      );
  }
  if (!spec.negatable && spec.type !== "boolean")
    rows.push(bad(() => [`--no-${name}`], /unknown option "--no-/));
  return rows;
}

const cases = Object.entries(COMMANDS).flatMap(([command, specs]) =>
  Object.entries(specs).flatMap(([name, spec]) =>
    [...genericCases(name, spec), ...(spec.type === "string" ? (BAD_STRING_VALUES[name] ?? []) : [])]
      .filter((c) => c.commands === undefined || c.commands.includes(command))
      .map((c, i) => ({ label: `${command} --${name} #${i + 1}`, command, ...c })),
  ),
);

async function grove(argv: string[]) {
  let stderr = "";
  let stdout = "";
  const code = await main(argv, {
    cwd: repo,
    stdout: (t) => {
      stdout += t;
    },
    stderr: (t) => {
      stderr += t;
    },
    isTTY: false,
    env: {},
  });
  return { code, stdout, stderr };
}

let root: string;
beforeAll(async () => {
  // Made once for the whole table (temp-dir's helper removes its dirs after each test).
  root = mkdtempSync(join(tmpdir(), "grove-flags-"));
  repo = join(root, "repo");
  mkdirSync(repo);
  await sh(repo, "init", "-q", "-b", "main");
  await sh(
    repo,
    "-c",
    "user.name=T",
    "-c",
    "user.email=t@grove.invalid",
    "commit",
    "-q",
    "--allow-empty",
    "-m",
    "i",
  );
  writeFileSync(
    join(repo, "scenarios.json"),
    JSON.stringify({
      scenarios: [{ name: "a", worktree: "w", run: ["node", "-e", "process.exit(0)"], tags: ["t"] }],
    }),
  );
  aDirectory = join(root, "a-directory");
  mkdirSync(aDirectory);
  aFile = join(root, "a-file");
  writeFileSync(aFile, "x");
  cutReport = join(root, "cut-report.json");
  writeFileSync(cutReport, '{\n  "scenarios": [\n    {"name": "a", "status": "fa');
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe("every flag with bad values", () => {
  it("every integer flag declares its bounds, and every string flag has bad values to try", () => {
    for (const [command, specs] of Object.entries(COMMANDS))
      for (const [name, spec] of Object.entries(specs)) {
        if (spec.type === "integer")
          expect({ command, name, min: spec.min, max: spec.max }).toEqual({
            command,
            name,
            min: expect.any(Number),
            max: expect.any(Number),
          });
        if (spec.type === "string") {
          const rows = (BAD_STRING_VALUES[name] ?? []).filter((c) => c.commands?.includes(command) ?? true);
          const why = ANY_STRING[name] ?? ANY_STRING[`${command} --${name}`];
          expect(
            rows.length > 0 || why !== undefined,
            `${command} --${name}: add bad values or a reason`,
          ).toBe(true);
        }
      }
  });

  it.each(cases)("$label", async ({ command, args, exit, says }) => {
    const r = await grove([command, ...args()]);
    expect(r.stderr).toMatch(says);
    expect(r.code).toBe(exit);
    expect(r.stderr).not.toMatch(/bug in Grove|internal error|\n\s+at /);
    expect(r.stdout).not.toMatch(/Running|passed/);
  });

  it("worktrees actions are named in full: an unknown flag, and clean --force (which does not exist)", async () => {
    const unknown = await grove(["worktrees", "setup", "--frobnicate"]);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain(
      'unknown option "--frobnicate" for "grove worktrees setup"; see grove worktrees setup --help',
    );
    const force = await grove(["worktrees", "clean", "--force"]);
    expect(force.code).toBe(2);
    expect(force.stderr).toMatch(
      /grove worktrees clean has no --force: it never removes a worktree that holds work/,
    );
    expect(force.stderr).toContain("git worktree remove --force PATH");
  });

  it("merge-reports on a report cut short names its file, line and column, with a fix that fits a report", async () => {
    const r = await grove(["merge-reports", cutReport]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/cut-report\.json:3:\d+: /);
    expect(r.stderr).toContain("fix: a report Grove writes is whole JSON: this one was cut short or edited");
    expect(r.stderr).not.toMatch(/bug in Grove|internal error|\n\s+at |position/);
  });

  it("--inspect on a port in use is a failure of the environment (exit 5), before the run", async () => {
    const { createServer } = await import("node:net");
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const port = (server.address() as { port: number }).port;
    try {
      const r = await grove(["run", `--inspect=${port}`]);
      expect(r.stderr).toMatch(
        new RegExp(`port ${port} on 127.0.0.1: the port is in use; choose another one`),
      );
      expect(r.code).toBe(5);
      expect(r.stdout).toBe("");
    } finally {
      server.close();
    }
  });
});
