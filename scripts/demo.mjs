#!/usr/bin/env node
// `npm run demo`: make a throwaway sample repository in a temp dir and run Grove on it for real:
// passes, a failure, a dependent skipped, a timeout with a stubborn grandchild, a flaky test that
// passes on retry. The run exits 1 because of the planned failures; the demo itself exits 0 when Grove
// behaved as expected.
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createSampleRepo } from "../dist/demo/sample-repo.js";

const root = mkdtempSync(join(tmpdir(), "grove-demo-"));
const sample = await createSampleRepo(root);
const bin = new URL("../dist/cli/grove.js", import.meta.url).pathname;
const grove = (args) => {
  console.log(`\n$ grove ${args.join(" ")}`);
  return spawnSync(process.execPath, [bin, ...args], { cwd: sample.mainRepo, stdio: "inherit" }).status;
};
console.log(`Sample repository: ${sample.mainRepo}`);
console.log(`Worktrees:         ${sample.basePath}`);
grove(["plan"]);
const status = grove(["run", "--junit", "integration_report.xml"]);
const report = JSON.parse(readFileSync(join(sample.mainRepo, "integration_report.json"), "utf8"));
console.log(`\ngrove run exited ${status} (1 is expected: the sample has a failing and a hanging test).`);
console.log(`Report: ${join(sample.mainRepo, "integration_report.json")}`);
console.log(`JUnit:  ${join(sample.mainRepo, "integration_report.xml")}`);
console.log(`Logs:   ${report.grove.run_dir}`);
console.log(`The sample stays in ${root}; delete it when done.`);
const expected = { passed: 4, failed: 1, skipped: 1, timed_out: 1, flaky: 1 };
const ok = status === 1 && Object.entries(expected).every(([k, v]) => report.summary[k] === v);
if (!ok) console.error(`demo: unexpected result ${JSON.stringify(report.summary)}`);
process.exit(ok ? 0 : 1);
