/**
 * The live board on a real terminal: Grove runs under `script` (util-linux), which gives it a
 * pseudo-terminal, so it sees a TTY exactly as in a user's shell. The test rig holds the scenarios
 * running until the board has shown them.
 */

import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { execa } from "execa";
import { describe, expect, it } from "vitest";
import { createSampleRepo } from "../../src/demo/sample-repo.js";
import { GROVE_BIN } from "../helpers/paths.js";
import { waitForStream } from "../helpers/run-grove.js";
import { tempDir } from "../helpers/temp-dir.js";
import { TestRig } from "../helpers/test-rig.js";

const ESC = "\u001b";

describe("grove run on a terminal (pseudo-terminal)", () => {
  it("draws a board of counts and running scenarios, redraws it in place, colours results, ends with the summary", async () => {
    const sample = await createSampleRepo(tempDir());
    const rig = new TestRig();
    await rig.ready();
    writeFileSync(
      join(sample.mainRepo, "scenarios.json"),
      JSON.stringify({
        scenarios: [
          { name: "first", worktree: "cli", run: rig.command("first"), tags: [] },
          { name: "second", worktree: "parser", run: rig.command("second"), tags: [] },
        ],
      }),
    );
    const { NO_COLOR: _n, FORCE_COLOR: _f, ...env } = process.env;
    const child = execa("script", ["-qfec", `${process.execPath} ${GROVE_BIN} run`, "/dev/null"], {
      cwd: sample.mainRepo,
      env: { ...env, TERM: "xterm-256color" },
      extendEnv: false,
      reject: false,
      stdin: "ignore",
    });
    // The board lists both while they run (listening from the start: it may be drawn before they connect).
    const boardShowsBoth = waitForStream(
      child.stdout!,
      (seen) => seen.includes("▶ first [cli]") && seen.includes("▶ second [parser]"),
    );
    const [first, second] = await Promise.all([rig.started("first"), rig.started("second")]);
    await boardShowsBoth;
    first.exit(0);
    await waitForStream(child.stdout!, (seen) => seen.includes("1/2 done"));
    second.exit(1);
    const r = await child;
    const out = String(r.stdout);
    expect(r.exitCode, out).toBe(1);
    expect(out).toMatch(/── 0\/2 done · 0 passed · 0 failed/);
    expect(out).toMatch(/── 1\/2 done · 1 passed/);
    // Redrawn in place: cursor up N lines and clear to the end, never a new board below the old one.
    expect(out).toMatch(new RegExp(`${ESC}\\[\\d+F${ESC}\\[J`));
    // Results in colour: green pass, red failure.
    expect(out).toContain(`${ESC}[32m✓ first [cli] passed`);
    expect(out).toContain(`${ESC}[31m✗ second [parser] failed`);
    // No per-start lines on a terminal (the board shows them), and the summary at the end.
    expect(out).not.toMatch(/^▶ first/m);
    expect(out).toMatch(/2 scenario\(s\) in [\d.]+s: 1 passed, 1 failed/);
  });
});
