#!/usr/bin/env node
import { spawnSync } from "node:child_process";
// `npm run demo`: make a throwaway sample repository in a temp dir and run Grove on it.
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createSampleRepo } from "../dist/demo/sample-repo.js";

const root = mkdtempSync(join(tmpdir(), "grove-demo-"));
const sample = await createSampleRepo(root);
console.log(`Sample repository: ${sample.mainRepo}`);
console.log(`Worktrees:         ${sample.basePath}\n`);
const grove = (args) =>
  spawnSync(process.execPath, [new URL("../dist/cli/main.js", import.meta.url).pathname, ...args], {
    cwd: sample.mainRepo,
    stdio: "inherit",
  });
console.log("$ grove plan");
const result = grove(["plan"]);
console.log(`\nThe sample stays in ${root}; delete it when done.`);
process.exit(result.status ?? 1);
