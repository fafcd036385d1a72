import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { execa } from "execa";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createLargeRun, type LargeRun } from "../../src/demo/large-run.js";
import { readRecording } from "../../src/inspector/recording-format.js";
import { launchBrowser, screenshotPath } from "../helpers/browser.js";
import { inspectorUrlOf } from "../helpers/inspector-url.js";
import { GROVE_BIN } from "../helpers/paths.js";

interface Line {
  t: number;
  k: string;
  e?: { type: string; name?: string; status?: string; result?: { name: string; status: string } };
}

/** Runs grove with the offline report; returns the run's recorded lines. */
async function runWithReport(run: LargeRun): Promise<Line[]> {
  const r = await execa(
    process.execPath,
    [
      GROVE_BIN,
      "run",
      "--setup-worktrees",
      "--workers",
      "4",
      "--reporter",
      "html",
      "--html-report",
      "report.html",
    ],
    { cwd: run.mainRepo, reject: false, env: { NO_COLOR: "1" } },
  );
  expect(r.exitCode, String(r.stderr)).toBe(run.failing.length ? 1 : 0);
  const runs = join(run.mainRepo, ".grove", "runs");
  const id = readdirSync(runs)[0]!;
  return readRecording(readFileSync(join(runs, id, "events.ndjson"), "utf8")) as Line[];
}

/** Statuses per scenario at time t, folded here independently of the page. */
function statusesAt(lines: Line[], t: number): Map<string, string> {
  const out = new Map<string, string>();
  for (const l of lines) {
    if (l.t > t || l.k !== "grove" || !l.e) continue;
    if (l.e.type === "scenario-status") out.set(l.e.name!, l.e.status!);
    else if (l.e.type === "scenario-finished") out.set(l.e.result!.name, l.e.result!.status);
  }
  return out;
}

async function openReport(browser: Browser, run: LargeRun, errors: string[]): Promise<Page> {
  const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  page.on("pageerror", (e) => errors.push(String(e)));
  page.on("console", (m) => {
    if (m.type() === "error") errors.push(m.text());
  });
  await page.goto(`file://${join(run.mainRepo, "report.html")}`);
  return page;
}

describe("inspector at scale, in a real browser", () => {
  let browser: Browser;
  const root = mkdtempSync(join(tmpdir(), "grove-browser-scale-"));
  let large: LargeRun;
  let lines: Line[];

  beforeAll(async () => {
    browser = await launchBrowser();
    large = await createLargeRun(join(root, "a"), { scenarios: 1000, worktrees: 10, failures: 4, flaky: 3 });
    lines = await runWithReport(large);
  });
  afterAll(async () => {
    await browser?.close();
    rmSync(root, { recursive: true, force: true });
  });

  it("1,000 scenarios with cross-worktree dependencies: overview, search, status filter, graph", async () => {
    const errors: string[] = [];
    const page = await openReport(browser, large, errors);
    await page.waitForSelector(".wt-card .wt-counts:not(:empty)");
    expect(await page.locator(".wt-card").count()).toBe(10);
    expect(await page.isHidden("#banner")).toBe(true);
    const final = statusesAt(lines, Number.POSITIVE_INFINITY);
    const failed = [...final].filter(([, s]) => s === "failed").map(([n]) => n);
    // Made to fail, unless skipped after an earlier failure upstream.
    expect(failed.length).toBeGreaterThanOrEqual(2);
    for (const name of failed) expect(large.failing).toContain(name);
    expect(await page.textContent('[data-count="failed"] b')).toBe(String(failed.length));

    await page.click('#tabs [data-tab="table"]');
    const target = "wt3_scenario_00503";
    await page.fill("#search", target);
    await page.waitForSelector(`#row-count:text("1 of 1000 scenarios")`);
    expect(await page.locator(".row:not([hidden])").getAttribute("data-name")).toBe(target);

    await page.fill("#search", "");
    await page.selectOption("#f-status", "failed");
    await page.waitForSelector(`#row-count:text("${failed.length} of 1000 scenarios")`);
    const shown = await page
      .locator(".row:not([hidden])")
      .evaluateAll((rows) =>
        rows.map((r) => [(r as HTMLElement).dataset.name, (r as HTMLElement).dataset.status]),
      );
    expect(shown.map(([n]) => n).sort()).toEqual(failed.sort());
    expect(shown.every(([, s]) => s === "failed")).toBe(true);

    // A scenario with a dependency in another worktree: the graph around it shows both worktrees.
    await page.selectOption("#f-status", "");
    await page.fill("#search", "wt4_scenario_00234");
    await page.click('.row[data-name="wt4_scenario_00234"]');
    await page.click("#detail-graph");
    await page.waitForSelector('#graph .node[data-name="wt4_scenario_00234"]');
    expect(await page.locator("#graph .cluster").count()).toBeGreaterThanOrEqual(2);
    // One worktree's whole graph.
    await page.selectOption("#g-scope", "wt:wt9");
    await page.waitForFunction(() => document.querySelectorAll("#graph .node").length === 100);
    expect(await page.locator('#graph .node[data-status="failed"]').count()).toBe(
      failed.filter((n) => n.startsWith("wt9_")).length,
    );
    expect(errors).toEqual([]);
    await page.close();
  });

  it("a flaky scenario's path shows retrying, with its edge marked; scrubbing to the middle shows that moment", async () => {
    const errors: string[] = [];
    const page = await openReport(browser, large, errors);
    await page.waitForSelector(".wt-card .wt-counts:not(:empty)");
    const final = statusesAt(lines, Number.POSITIVE_INFINITY);
    const flaky = large.flaky.find((n) => final.get(n) === "passed")!;
    expect(flaky).toBeDefined();
    await page.evaluate(() => {
      location.hash = "";
    });
    await page.click('#tabs [data-tab="table"]');
    await page.fill("#search", flaky);
    await page.click(`.row[data-name="${flaky}"]`);
    await page.waitForSelector('#path li[data-state="retrying"]');
    const path = await page
      .locator("#path li")
      .evaluateAll((li) => li.map((l) => (l as HTMLElement).dataset.state));
    expect(path).toEqual([
      "pending",
      "waiting",
      "queued",
      "running.test",
      "running.settle",
      "retrying",
      "running.test",
      "running.settle",
      "passed",
    ]);
    await page.waitForSelector('#chart .chart-edge.taken[data-transition="running.settle>retrying"]');
    // The status line reads as one sentence, not "passed: passed on ...".
    expect(await page.textContent("#detail-status")).toMatch(
      /^passed on attempt 2 \(flaky: attempt 1 [a-z ]+\) · worktree wt\d+( · needs .+)?$/,
    );
    expect(await page.locator("#event-log li").count()).toBeGreaterThan(path.length);
    expect(new URL(page.url()).hash).toBe(`#scenario=${flaky}`);

    // The middle of the run: the header counts are those of an independent fold of the recording.
    const t0 = lines[0]!.t;
    const middle = Math.floor((t0 + lines[lines.length - 1]!.t) / 2);
    const expected = new Map<string, number>();
    for (const s of statusesAt(lines, middle).values()) expected.set(s, (expected.get(s) ?? 0) + 1);
    await page.evaluate((t) => {
      const s = document.getElementById("scrub") as HTMLInputElement;
      s.value = String(t);
      s.dispatchEvent(new Event("input"));
    }, middle);
    for (const status of ["waiting", "queued", "running", "passed", "failed", "skipped"])
      await expect
        .poll(() => page.textContent(`[data-count="${status}"] b`))
        .toBe(String(expected.get(status) ?? 0));
    const shot = screenshotPath("inspector-1000.png");
    await page.screenshot({ path: shot });
    expect(existsSync(shot)).toBe(true);

    // A worktree's statechart shows its setup step, entered during this run.
    await page.evaluate(() => {
      const s = document.getElementById("scrub") as HTMLInputElement;
      s.value = s.max;
      s.dispatchEvent(new Event("input"));
    });
    await page.click('#tabs [data-tab="overview"]');
    await page.click('.wt-card[data-worktree="wt2"]');
    await page.waitForSelector('#chart .chart-state.visited[data-state="setup_0"]');
    expect(await page.textContent('#chart .chart-state[data-state="setup_0"]')).toContain('"install"');
    expect(await page.locator('#path li[data-state="setup_0"]').count()).toBe(1);
    expect(errors).toEqual([]);
    await page.close();
  });

  it("live: a page open from the start of a 1,000-scenario run follows it to the end, without error", async () => {
    const live = await createLargeRun(join(root, "live"), {
      scenarios: 1000,
      worktrees: 10,
      failures: 4,
      flaky: 3,
      gate: join(root, "live-gate"),
    });
    const child = execa(
      process.execPath,
      [GROVE_BIN, "run", "--setup-worktrees", "--workers", "4", "--inspect"],
      {
        cwd: live.mainRepo,
        reject: false,
        env: { NO_COLOR: "1" },
      },
    );
    const url = await inspectorUrlOf(child);
    const errors: string[] = [];
    const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    page.on("pageerror", (e) => errors.push(String(e)));
    page.on("console", (m) => {
      if (m.type() === "error") errors.push(m.text());
    });
    await page.goto(url);
    await page.waitForSelector('#mode:text-is("live")');
    // The run is held in its worktrees' setup until the page is live.
    writeFileSync(join(root, "live-gate"), "");
    const r = await child;
    expect(r.exitCode, String(r.stderr)).toBe(1);
    // The end arrives over the stream: the page says so, then shows the final counts of the recording.
    await page.waitForSelector('#banner:has-text("grove inspect")');
    await page.waitForSelector('#mode:text-is("replay")');
    const runs = join(live.mainRepo, ".grove", "runs");
    const recorded = readRecording(
      readFileSync(join(runs, readdirSync(runs)[0]!, "events.ndjson"), "utf8"),
    ) as Line[];
    const expected = new Map<string, number>();
    for (const s of statusesAt(recorded, Number.POSITIVE_INFINITY).values())
      expected.set(s, (expected.get(s) ?? 0) + 1);
    expect([...expected.values()].reduce((a, b) => a + b, 0)).toBe(1000);
    for (const status of ["passed", "failed", "skipped"])
      await expect
        .poll(() => page.textContent(`[data-count="${status}"] b`))
        .toBe(String(expected.get(status) ?? 0));
    expect(await page.locator(".wt-card").count()).toBe(10);
    // Followed live, the critical path is redrawn only every few seconds; once the run has ended it
    // is the final one: the same chain a replay of the recording shows.
    const criticalOf = (p: Page) =>
      p.locator("#critical li").evaluateAll((lis) => lis.map((li) => li.getAttribute("data-name")));
    const replay = execa(process.execPath, [GROVE_BIN, "inspect", readdirSync(runs)[0]!], {
      cwd: live.mainRepo,
      reject: false,
    });
    // Listened for before anything is awaited: execa reads the output as it comes, so a URL printed
    // while the browser opened a page would be missed.
    const replayUrl = inspectorUrlOf(replay);
    try {
      const replayPage = await browser.newPage({ viewport: { width: 1400, height: 900 } });
      await replayPage.goto(await replayUrl);
      await replayPage.waitForSelector("#critical li");
      const replayed = await criticalOf(replayPage);
      expect(replayed.length).toBeGreaterThan(1);
      await expect.poll(() => criticalOf(page)).toEqual(replayed);
      await replayPage.close();
    } finally {
      replay.kill("SIGINT");
      await replay;
    }
    // The timeline of the run, zoomed in and back.
    await page.click('#tabs [data-tab="timeline"]');
    await page.click("#t-in");
    expect(await page.isEnabled("#t-fit")).toBe(true);
    await page.click("#t-fit");
    expect(await page.isDisabled("#t-fit")).toBe(true);
    expect(errors).toEqual([]);
    await page.close();
  });

  it("40 scenarios open on the whole graph, fitted to the window", async () => {
    const small = await createLargeRun(join(root, "b"), {
      scenarios: 40,
      worktrees: 4,
      failures: 2,
      flaky: 1,
    });
    await runWithReport(small);
    const errors: string[] = [];
    const page = await openReport(browser, small, errors);
    await page.waitForFunction(() => document.querySelectorAll("#graph .node").length === 40);
    // Every node inside the visible graph pane.
    const pane = (await page.locator("#graph").boundingBox())!;
    const boxes = await page.locator("#graph .node rect").evaluateAll((rs) =>
      rs.map((r) => {
        const b = r.getBoundingClientRect();
        return [b.left, b.top, b.right, b.bottom];
      }),
    );
    for (const [l, t, r, b] of boxes) {
      expect(l!).toBeGreaterThanOrEqual(pane.x - 1);
      expect(t!).toBeGreaterThanOrEqual(pane.y - 1);
      expect(r!).toBeLessThanOrEqual(pane.x + pane.width + 1);
      expect(b!).toBeLessThanOrEqual(pane.y + pane.height + 1);
    }
    await page.click(`#graph .node[data-name="${small.failing[0]}"]`);
    await page.waitForSelector('#chart .chart-state.current[data-state="failed"]');
    const shot = screenshotPath("inspector-40.png");
    await page.screenshot({ path: shot });
    expect(existsSync(shot)).toBe(true);
    expect(errors).toEqual([]);
    await page.close();
  });
});
