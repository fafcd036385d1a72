/**
 * A repository whose pipeline's one setup step (`install`, `node -e <script>`) is given, the test
 * command `true`, and scenarios given as [name, dependencies, worktree]: for tests of what a failed
 * setup does to the scenarios down a chain.
 */
import { makeRepo } from "./git-repo.js";

export type ScenarioEntry = readonly [name: string, dependencies: readonly string[], worktree: string];

export function makeSetupFailureRepo(setupScript: string, scenarios: readonly ScenarioEntry[]) {
  return makeRepo({
    "grove.pipeline.yaml": [
      "version: 1",
      "worktree:",
      "  setup:",
      "    - name: install",
      `      run: [node, -e, ${JSON.stringify(setupScript)}]`,
      "test:",
      '  run: ["true"]',
      "",
    ].join("\n"),
    "scenarios.json": JSON.stringify({
      scenarios: scenarios.map(([name, dependencies, worktree]) => ({
        name,
        description: "",
        worktree,
        test_file: "x",
        dependencies,
        timeout: 30,
        tags: [],
      })),
    }),
  });
}
