/**
 * fast-check generators of malformed and hostile configuration (issue #12): valid scenarios files and
 * pipelines put through structure mutations, wrong types, huge and negative numbers, control
 * characters, NUL, BOM, CRLF, deep nesting, aliases, custom tags, duplicate keys and truncation; and
 * argument lists built from every command's real flags with hostile values.
 */
import fc from "fast-check";
import { stringify } from "yaml";

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

const hostileString = fc.oneof(
  fc.string({ maxLength: 12 }),
  fc.constantFrom(
    "",
    "\u0000",
    "a\u0000b",
    "\u0007\u001b[31m",
    "\r\n",
    "../../etc",
    "/",
    "*",
    ".git/",
    "-rf",
    "--upload-pack=touch x",
    "{test_file}",
    "{nope}",
    "{",
    "}}",
    "feature/..{worktree}",
    "A=B",
    "\ufeff",
    "x".repeat(300),
    "é漢字🙂",
    "*nope",
    "&a",
    "!!js/function",
    "null",
    "true",
    "1e21",
  ),
);

const hostileNumber = fc.oneof(
  fc.integer(),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  fc.constantFrom(
    0,
    -0,
    -1,
    0.5,
    2 ** 31 - 1,
    2 ** 31,
    2 ** 53,
    1e21,
    1e308,
    -1e308,
    604800,
    604801,
    255,
    256,
  ),
);

/** Any JSON value, hostile at the leaves, shallow. */
const hostileValue: fc.Arbitrary<Json> = fc.letrec<{ v: Json }>((tie) => ({
  v: fc.oneof(
    { depthSize: "small", withCrossShrink: true },
    hostileString,
    hostileNumber,
    fc.boolean(),
    fc.constant(null),
    fc.array(tie("v"), { maxLength: 3 }),
    fc.dictionary(hostileString, tie("v"), { maxKeys: 3 }),
  ),
})).v;

const SCENARIO_KEYS = [
  "name",
  "description",
  "worktree",
  "test_file",
  "dependencies",
  "timeout",
  "retry_count",
  "tags",
  "run",
  "env",
  "exit_codes",
];
const PIPELINE_PATHS: (string | number)[][] = [
  ["version"],
  ["name"],
  ["worktree"],
  ["worktree", "branch"],
  ["worktree", "start_point"],
  ["worktree", "setup"],
  ["worktree", "setup", 0, "run"],
  ["worktree", "setup", 0, "link", "path"],
  ["worktree", "verify"],
  ["worktree", "disposable"],
  ["worktree", "disposable", 0],
  ["pull", "from"],
  ["pull", "strategy"],
  ["test", "run"],
  ["test", "run", 1],
  ["test", "timeout"],
  ["test", "kill_grace"],
  ["test", "retries"],
  ["test", "exit_codes"],
  ["test", "exit_codes", "3"],
  ["test", "env"],
  ["test", "env", "K"],
  ["test", "before", 0, "timeout"],
  ["cleanup"],
];

function validScenarios(n: number): { scenarios: Record<string, Json>[] } {
  return {
    scenarios: Array.from({ length: n }, (_, i) => ({
      name: `s${i}`,
      worktree: `w${i % 2}`,
      test_file: `tests/test_${i}.py`,
      dependencies: i > 0 ? [`s${i - 1}`] : [],
      timeout: 60,
      tags: ["t"],
      env: { K: "v" },
    })),
  };
}

function validPipeline(): Record<string, Json> {
  return {
    version: 1,
    name: "p",
    worktree: {
      branch: "feature/test-{worktree}",
      setup: [
        { name: "install", run: ["npm", "ci"] },
        { name: "deps", link: { path: "node_modules", key_files: ["package-lock.json"] } },
      ],
      verify: [{ exists: "package.json" }],
      disposable: ["node_modules/"],
    },
    pull: { from: "main", strategy: "merge" },
    test: {
      run: ["pytest", "{test_file}"],
      timeout: 300,
      kill_grace: 5,
      retries: 0,
      exit_codes: { "0": "passed", "5": { status: "errored", reason: "no-tests" } },
      env: { K: "v" },
      before: [{ name: "b", shell: "true", timeout: 10 }],
    },
    cleanup: { remove_worktrees: true },
  };
}

/** Sets (or deletes, for undefined) the value at `path`, creating containers on the way. */
function setAt(root: Json, path: readonly (string | number)[], value: Json | undefined): Json {
  if (path.length === 0) return value ?? null;
  if (root === null || typeof root !== "object") return root;
  let node = root as Record<string | number, Json>;
  for (const seg of path.slice(0, -1)) {
    const next = node[seg];
    if (next === null || typeof next !== "object") node[seg] = typeof seg === "number" ? [] : {};
    node = node[seg] as Record<string | number, Json>;
  }
  const last = path[path.length - 1]!;
  if (value === undefined) delete node[last];
  else node[last] = value;
  return root;
}

type ValueMutation = { path: readonly (string | number)[]; value: Json | undefined };

const scenarioMutation: fc.Arbitrary<ValueMutation> = fc.oneof(
  fc.record({
    path: fc.tuple(fc.constant("scenarios"), fc.nat(2), fc.constantFrom(...SCENARIO_KEYS)),
    value: fc.option(hostileValue, { nil: undefined }),
  }),
  fc.record({
    path: fc.tuple(fc.constant("scenarios"), fc.nat(2), hostileString),
    value: hostileValue,
  }),
  fc.record({
    path: fc.tuple(fc.constant("scenarios"), fc.nat(2), fc.constantFrom("env", "exit_codes"), hostileString),
    value: hostileValue,
  }),
  fc.record({ path: fc.constantFrom(["scenarios"], [], ["scenarios", 0]), value: hostileValue }),
);

const pipelineMutation: fc.Arbitrary<ValueMutation> = fc.oneof(
  fc.record({ path: fc.constantFrom(...PIPELINE_PATHS), value: fc.option(hostileValue, { nil: undefined }) }),
  fc.record({
    path: fc.tuple(fc.constantFrom("worktree", "test", "pull", "cleanup"), hostileString),
    value: hostileValue,
  }),
  fc.record({ path: fc.constant([]), value: hostileValue }),
);

/** A change to the text itself, after serialization. */
type TextMutation = (text: string, pick: number) => string;

const JSON_TEXT_MUTATIONS: Record<string, TextMutation> = {
  bom: (t) => `\ufeff${t}`,
  crlf: (t) => t.replace(/\n/g, "\r\n"),
  truncate: (t, k) => t.slice(0, k % (t.length + 1)),
  insertChar: (t, k) =>
    `${t.slice(0, k % (t.length + 1))}${'{}[],:"\\\u0000\u0001/*'[k % 13]}${t.slice(k % (t.length + 1))}`,
  deepNesting: (t, k) => t.replace('"tags": [', `"tags": ${"[".repeat(50 + (k % 2_000))}`),
  duplicateKey: (t) => t.replace('{"name"', '{"timeout": 5, "timeout": 6, "name"'),
  comment: (t) => `// c\n/* ${t.length} */${t}`,
  nulByte: (t, k) => `${t.slice(0, k % (t.length + 1))}\u0000${t.slice(k % (t.length + 1))}`,
  none: (t) => t,
};

const YAML_TEXT_MUTATIONS: Record<string, TextMutation> = {
  bom: (t) => `\ufeff${t}`,
  crlf: (t) => t.replace(/\n/g, "\r\n"),
  truncate: (t, k) => t.slice(0, k % (t.length + 1)),
  insertChar: (t, k) =>
    `${t.slice(0, k % (t.length + 1))}${":-[]{}&*!|>'\"#%@`\t\u0000"[k % 19]}${t.slice(k % (t.length + 1))}`,
  unresolvedAlias: (t) => t.replace(/^name: .*$/m, "name: *nope"),
  anchorAndAlias: (t) => `${t}x_anchor: &a [1, 2]\ny: *a\n`,
  customTag: (t) => t.replace(/^name: .*$/m, "name: !!js/function 'function () {}'"),
  unknownTag: (t) => t.replace(/^name: .*$/m, "name: !custom x"),
  deepFlow: (t, k) => t.replace(/^name: .*$/m, `name: ${"[".repeat(50 + (k % 2_000))}`),
  deepBlock: (t, k) =>
    `${t}extra:\n${Array.from({ length: 40 + (k % 100) }, (_, i) => `${" ".repeat(i + 1)}k:`).join("\n")} 1\n`,
  duplicateKey: (t) => `${t}version: 1\n`,
  secondDocument: (t) => `${t}---\nversion: 1\n`,
  aliasBomb: () =>
    "version: 1\na: &a [x, x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]\nc: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]\nd: [*c, *c, *c, *c, *c, *c, *c, *c, *c, *c]\n",
  nulByte: (t, k) => `${t.slice(0, k % (t.length + 1))}\u0000${t.slice(k % (t.length + 1))}`,
  none: (t) => t,
};

/** A hostile scenarios.json text, and what was done to it (for the report of a failure). */
export const hostileScenariosText: fc.Arbitrary<{ text: string; how: string }> = fc
  .record({
    n: fc.integer({ min: 1, max: 3 }),
    mutations: fc.array(scenarioMutation, { maxLength: 3 }),
    textMutation: fc.constantFrom(...Object.keys(JSON_TEXT_MUTATIONS)),
    pick: fc.nat(),
    pretty: fc.boolean(),
  })
  .map(({ n, mutations, textMutation, pick, pretty }) => {
    let doc: Json = validScenarios(n) as unknown as Json;
    for (const m of mutations) doc = setAt(doc, m.path, m.value);
    const text = JSON.stringify(doc, null, pretty ? 2 : undefined) ?? "";
    return {
      text: JSON_TEXT_MUTATIONS[textMutation]!(text, pick),
      how: `${textMutation} after ${JSON.stringify(mutations)}`,
    };
  });

/** A hostile pipeline YAML text, and what was done to it. */
export const hostilePipelineText: fc.Arbitrary<{ text: string; how: string }> = fc
  .record({
    mutations: fc.array(pipelineMutation, { maxLength: 3 }),
    textMutation: fc.constantFrom(...Object.keys(YAML_TEXT_MUTATIONS)),
    pick: fc.nat(),
  })
  .map(({ mutations, textMutation, pick }) => {
    let doc: Json = validPipeline();
    for (const m of mutations) doc = setAt(doc, m.path, m.value);
    const text = stringify(doc);
    return {
      text: YAML_TEXT_MUTATIONS[textMutation]!(text, pick),
      how: `${textMutation} after ${JSON.stringify(mutations)}`,
    };
  });

const flagValue = fc.oneof(
  hostileString,
  hostileNumber.map(String),
  fc.constantFrom("99999999999999999999999", "-1", "0", "1.5", "0x10", "65536", "1e3", "", "=", "--"),
);

/** Argument lists: a command (or a misspelt one), real flags and misspellings, hostile values. */
export function hostileArgv(flagsByCommand: Record<string, readonly string[]>): fc.Arbitrary<string[]> {
  const commands = Object.keys(flagsByCommand);
  return fc
    .record({
      command: fc.oneof(fc.constantFrom(...commands), fc.constantFrom("", "rn", "--version", "-x", "help")),
      args: fc.array(
        fc.oneof(
          fc.record({
            flag: fc.constantFrom(...new Set(Object.values(flagsByCommand).flat())),
            value: fc.option(flagValue),
          }),
          fc.record({ flag: hostileString, value: fc.option(flagValue) }),
        ),
        { maxLength: 4 },
      ),
      inline: fc.boolean(),
      positional: fc.option(hostileString),
    })
    .map(({ command, args, inline, positional }) => [
      ...(command === "" ? [] : [command]),
      ...args.flatMap(({ flag, value }) =>
        value === null ? [`--${flag}`] : inline ? [`--${flag}=${value}`] : [`--${flag}`, value],
      ),
      ...(positional === null ? [] : [positional]),
    ]);
}
