import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { request } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { execa, type ResultPromise } from "execa";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createSampleRepo, type SampleRepo } from "../../src/demo/sample-repo.js";
import { readRecording } from "../../src/inspector/recording-format.js";
import { launchBrowser, screenshotPath } from "../helpers/browser.js";
import { inspectorUrlOf } from "../helpers/inspector-url.js";
import { GROVE_BIN } from "../helpers/paths.js";
import { makeSetupFailureRepo } from "../helpers/setup-failure-repo.js";

const XSS = "<img src=x onerror=alert(1)>";

/** Starts a grove command and resolves with the URL it prints on a line of its own. */
async function startWithUrl(args: string[], cwd: string): Promise<{ child: ResultPromise; url: string }> {
  const child = execa(process.execPath, [GROVE_BIN, ...args], { cwd, reject: false, env: { NO_COLOR: "1" } });
  const url = await inspectorUrlOf(child);
  return { child, url };
}

function rawGet(url: string, headers: Record<string, string>): Promise<number> {
  const u = new URL(url);
  return new Promise((resolve, reject) => {
    const req = request({ host: u.hostname, port: u.port, path: u.pathname + u.search, headers }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on("error", reject);
    req.end();
  });
}

describe("inspector in a real browser", () => {
  let browser: Browser;
  let sample: SampleRepo;
  let release: string;
  let runId = "";
  const root = mkdtempSync(join(tmpdir(), "grove-browser-"));

  beforeAll(async () => {
    browser = await launchBrowser();
    sample = await createSampleRepo(root);
    release = join(sample.root, "release");
    writeFileSync(
      join(root, "gate.mjs"),
      `import { existsSync } from "node:fs";\nconst t = setInterval(() => { if (existsSync(process.argv[2])) { clearInterval(t); console.error("gate released: failing"); process.exit(1); } }, 50);\n`,
    );
    writeFileSync(
      join(sample.mainRepo, "scenarios.json"),
      JSON.stringify({
        scenarios: [
          {
            name: "gate",
            worktree: "parser",
            // The last argument (ignored by gate.mjs) needs quoting to be read back as one.
            run: ["node", join(root, "gate.mjs"), release, "it's a gate"],
            timeout: 60,
            tags: [],
          },
          {
            name: "after_gate",
            worktree: "cli",
            test_file: "tests/pass.mjs",
            dependencies: ["gate"],
            tags: [],
          },
          { name: XSS, description: XSS, worktree: "export", test_file: "tests/pass.mjs", tags: [] },
        ],
      }),
    );
  });
  afterAll(async () => {
    await browser?.close();
    rmSync(root, { recursive: true, force: true });
  });

  it("live: a scenario turns from running to failed and its dependent to skipped, without reloading", async () => {
    const { child, url } = await startWithUrl(["run", "--inspect"], sample.mainRepo);
    const page = await browser.newPage();
    const dialogs: string[] = [];
    page.on("dialog", (d) => {
      dialogs.push(d.message());
      void d.dismiss();
    });
    const consoleLines: string[] = [];
    page.on("console", (m) => consoleLines.push(m.text()));
    let navigations = 0;
    page.on("framenavigated", () => navigations++);
    await page.goto(url);
    await page.waitForSelector('.node[data-name="gate"][data-status="running"]');
    expect(await page.getAttribute('.node[data-name="after_gate"]', "data-status")).toBe("waiting");
    writeFileSync(release, "go");
    await page.waitForSelector('.node[data-name="gate"][data-status="failed"]');
    await page.waitForSelector('.node[data-name="after_gate"][data-status="skipped"]');
    expect(await page.textContent('.node[data-name="after_gate"] .reason')).toContain(
      'dependency "gate" failed',
    );
    expect(navigations).toBe(1);
    // The hostile name is text: shown verbatim, no element made from it, no script run.
    await page.waitForSelector(`.node[data-status="passed"]`);
    expect(await page.locator("svg#graph text", { hasText: XSS }).count()).toBe(1);
    expect(await page.locator("img").count()).toBe(0);
    expect(dialogs).toEqual([]);
    const r = await child;
    expect(r.exitCode).toBe(1);
    runId = /Grove run (\S+):/.exec(String(r.stdout))![1]!;
    // The run's end is said on the page and in the console, with the replay command (also in the summary).
    expect(String(r.stdout)).toContain(`Replay: grove inspect ${runId}`);
    await page.waitForSelector(`#banner:has-text("grove inspect ${runId}")`);
    expect(consoleLines.some((l) => l.includes(`grove inspect ${runId}`))).toBe(true);
    // The mode is redrawn on the next animation frame after the end arrives (live frames are throttled).
    await page.waitForSelector('#mode:text-is("replay")');
    expect(await page.textContent("#mode")).toBe("replay");
    await page.close();
  });

  it("replay: scrubbing to the middle shows the states of that moment; a clicked node shows its statechart", async () => {
    expect(runId).not.toBe("");
    const { child, url } = await startWithUrl(["inspect", runId], sample.mainRepo);
    try {
      const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
      await page.goto(url);
      await page.waitForSelector('.node[data-name="gate"][data-status="failed"]');
      // The mode is redrawn on the next animation frame after the end arrives (live frames are throttled).
      await page.waitForSelector('#mode:text-is("replay")');
      expect(await page.textContent("#mode")).toBe("replay");

      // Independent fold of the recording: the status of each scenario at the middle of the run.
      const lines = readRecording(
        readFileSync(join(sample.mainRepo, ".grove", "runs", runId, "events.ndjson"), "utf8"),
      ) as unknown as { t: number; k: string; e: { type: string; name: string; status: string } }[];
      const firstRunning = lines.find(
        (l) =>
          l.k === "grove" &&
          l.e.type === "scenario-status" &&
          l.e.name === "gate" &&
          l.e.status === "running",
      )!.t;
      const gateDone = lines.find(
        (l) =>
          l.k === "grove" && l.e.type === "scenario-status" && l.e.name === "gate" && l.e.status === "failed",
      )!.t;
      const middle = Math.floor((firstRunning + gateDone) / 2);
      const expected = new Map<string, string>();
      for (const l of lines)
        if (l.t <= middle && l.k === "grove" && l.e.type === "scenario-status")
          expected.set(l.e.name, l.e.status);
      await page.evaluate((t) => {
        const s = document.getElementById("scrub") as HTMLInputElement;
        s.value = String(t);
        s.dispatchEvent(new Event("input"));
      }, middle);
      await page.waitForSelector('.node[data-name="gate"][data-status="running"]');
      for (const [name, status] of expected) {
        expect(
          await page
            .locator(".node")
            .filter({ has: page.locator("text", { hasText: name }) })
            .first()
            .getAttribute("data-status"),
        ).toBe(status);
      }

      await page.click('.node[data-name="gate"]');
      await page.waitForSelector("#detail:not([hidden]) .chart-state.current");
      expect(
        await page.getAttribute("#chart .chart-state.current:not([data-state='running'])", "data-state"),
      ).toBe("running.test");
      expect(await page.locator("#chart .chart-state.visited").count()).toBeGreaterThan(3);
      // The attempt's command as the console shows it: quoted so that a shell reads back the same argv.
      expect(await page.locator("#detail .attempt").first().textContent()).toContain(
        `— node ${join(root, "gate.mjs")} ${release} 'it'\\''s a gate'`,
      );
      // Back to the end: the current state is the final one.
      await page.evaluate(() => {
        const s = document.getElementById("scrub") as HTMLInputElement;
        s.value = s.max;
        s.dispatchEvent(new Event("input"));
      });
      await page.waitForSelector('#chart .chart-state.current[data-state="failed"]');
      const shot = screenshotPath("inspector.png");
      await page.screenshot({ path: shot });
      expect(existsSync(shot)).toBe(true);
      await page.close();

      // Wrong token and wrong Host are refused.
      const u = new URL(url);
      expect(await rawGet(url.replace(/token=[0-9a-f]+/, "token=bad"), { Host: u.host })).toBe(403);
      expect(await rawGet(url, { Host: `attacker.example:${u.port}` })).toBe(403);
      expect(await rawGet(url, { Host: u.host })).toBe(200);
    } finally {
      child.kill("SIGINT");
      await child;
    }
  });

  it("the offline HTML report opens from disk with the run embedded", async () => {
    writeFileSync(release, "go"); // the gate fails at once
    const r = await execa(
      process.execPath,
      [GROVE_BIN, "run", "--reporter", "html", "--html-report", "report.html"],
      { cwd: sample.mainRepo, reject: false, env: { NO_COLOR: "1" } },
    );
    expect(r.exitCode).toBe(1);
    expect(String(r.stdout)).toContain("HTML: ");
    const page = await browser.newPage();
    await page.goto(`file://${join(sample.mainRepo, "report.html")}`);
    await page.waitForSelector('.node[data-name="after_gate"][data-status="skipped"]');
    expect(await page.locator("svg#graph text", { hasText: XSS }).count()).toBe(1);
    // A skipped scenario's detail names its root cause from the result's structure: the failed
    // scenario, a button that selects it.
    await page.click('.node[data-name="after_gate"]');
    const root = page.locator('#detail-body button.root-cause[data-kind="scenario"][data-name="gate"]');
    expect(await root.textContent()).toBe('"gate" failed');
    await root.click();
    await page.waitForSelector('#detail-title[data-kind="scenario"]:text-is("gate")');
    expect(await page.locator("#detail-body .root-cause").count()).toBe(0);
    await page.close();
  });

  it("a skip chain that began at a worktree's problem names the worktree as its root cause, two levels down", async () => {
    const failing = 'if (process.env.GROVE_WORKTREE === "api") process.exit(1);';
    const repo = await makeSetupFailureRepo(failing, [
      ["a", [], "api"],
      ["c", ["a"], "web"],
      ["d", ["c"], "web"],
    ]);
    const r = await execa(
      process.execPath,
      [GROVE_BIN, "run", "--setup-worktrees", "--reporter", "html", "--html-report", "report.html"],
      { cwd: repo.main, reject: false, env: { NO_COLOR: "1" } },
    );
    expect(r.exitCode, String(r.stdout) + String(r.stderr)).toBe(1);
    const page = await browser.newPage();
    await page.goto(`file://${join(repo.main, "report.html")}`);
    await page.waitForSelector('.node[data-name="d"][data-status="skipped"]');
    await page.click('.node[data-name="d"]');
    // The status line names the direct dependency; the root cause, the worktree two levels up.
    expect(await page.textContent("#detail-status")).toContain('dependency "c" was skipped');
    const root = page.locator('#detail-body button.root-cause[data-kind="worktree"][data-name="api"]');
    expect(await root.textContent()).toBe('worktree "api" setup-failed');
    await root.click();
    await page.waitForSelector('#detail-title[data-kind="worktree"]:text-is("api")');
    expect(await page.textContent("#detail-status")).toMatch(/^setup-failed: /);
    await page.close();
  });
});
