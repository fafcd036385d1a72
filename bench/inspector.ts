/**
 * The inspector in a real browser (Debian chromium through playwright-core): time to first render and
 * click-to-repaint at 40, 1,000 and 10,000 scenarios, for the offline report and for the page served
 * by `grove inspect` (the live view's code path: definitions, then every line over Server-Sent Events);
 * and a 1,000-scenario run's wall time with a live page attached against without one.
 * Targets: first render < 1 s and a click < 100 ms at 1,000; < 3 s and < 200 ms at 10,000; an open
 * page costs the run < 5%. Usage: node build/bench/inspector.js [sizes...] [--no-live] (default 40 1000
 * 10000, then the live run). Clicks start once the page has been idle for a second (the layout worker
 * compiles elkjs right after load, on the same two cores).
 */
import { existsSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { execa } from "execa";
import type { Browser, CDPSession, Page } from "playwright-core";
import { createLargeRun } from "../src/demo/large-run.js";
import { launchBrowser } from "../test/helpers/browser.js";
import { inspectorUrlOf } from "../test/helpers/inspector-url.js";
import { median } from "./lib/measure.js";

const GROVE = fileURLToPath(new URL("../../dist/cli/grove.js", import.meta.url));
const sizes = process.argv.slice(2).map(Number).filter(Boolean);
const LIVE = !process.argv.includes("--no-live");
const SIZES = sizes.length ? sizes : [40, 1000, 10_000];
const CLICKS = 7;

/** Milliseconds from navigation to the page's first complete render. */
async function firstRender(page: Page, url: string): Promise<number> {
  await page.goto(url);
  await page.waitForFunction(() => (window as { Grove?: { caughtUpAt?: number } }).Grove?.caughtUpAt);
  return page.evaluate(() => (window as unknown as { Grove: { caughtUpAt: number } }).Grove.caughtUpAt);
}

/** Click a row of the scenario list, then time until the frame after the detail is drawn. */
async function clicks(page: Page): Promise<number> {
  await page.click('#tabs [data-tab="table"]');
  await page.waitForSelector(".row:not([hidden])");
  await page.waitForTimeout(1000);
  const times: number[] = [];
  for (let k = 0; k < CLICKS; k++) {
    times.push(
      await page.evaluate(async (k) => {
        const rows = [...document.querySelectorAll<HTMLElement>(".row:not([hidden])")];
        const row = rows[(k * 3) % rows.length]!;
        const start = performance.now();
        row.click();
        await new Promise((r) => requestAnimationFrame(() => setTimeout(r, 0)));
        if (document.getElementById("detail-title")!.textContent !== row.dataset.name)
          throw new Error("no repaint");
        return performance.now() - start;
      }, k),
    );
  }
  // The first click also lays out the statechart (once per machine): report the median.
  return median(times);
}

async function measurePage(browser: Browser, url: string): Promise<{ first: number; click: number }> {
  const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  const errors: string[] = [];
  page.on("pageerror", (e) => errors.push(String(e)));
  const first = await firstRender(page, url);
  const click = await clicks(page);
  await page.close();
  if (errors.length) throw new Error(`page errors: ${errors.join("; ")}`);
  return { first, click };
}

/** The page's main-thread task time (Chrome's TaskDuration), seconds, for each run with a page. */
const pageTaskSeconds: number[] = [];
/** The grove process's CPU seconds (user + system, its children included), with a page and without. */
const groveCpu = { withPage: [] as number[], without: [] as number[] };
/** GNU time, when there, gives the run's CPU time: far steadier than wall time on a shared machine. */
const TIME = existsSync("/usr/bin/time") ? "/usr/bin/time" : undefined;

async function runGrove(cwd: string, args: string[], browser?: Browser): Promise<number> {
  const start = process.hrtime.bigint();
  const argv = [GROVE, "run", "--workers", "4", ...args];
  const child = TIME
    ? execa(TIME, ["-f", "grove-cpu %U %S", process.execPath, ...argv], {
        cwd,
        reject: false,
        env: { NO_COLOR: "1" },
      })
    : execa(process.execPath, argv, { cwd, reject: false, env: { NO_COLOR: "1" } });
  let page: Page | undefined;
  let cdp: CDPSession | undefined;
  if (browser) {
    page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    cdp = await page.context().newCDPSession(page);
    await cdp.send("Performance.enable");
    await page.goto(await inspectorUrlOf(child));
  }
  const result = await child;
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  const cpu = /grove-cpu ([\d.]+) ([\d.]+)/.exec(String(result.stderr));
  if (cpu) (browser ? groveCpu.withPage : groveCpu.without).push(Number(cpu[1]) + Number(cpu[2]));
  if (cdp) {
    const { metrics } = await cdp.send("Performance.getMetrics");
    pageTaskSeconds.push(metrics.find((m) => m.name === "TaskDuration")?.value ?? Number.NaN);
  }
  await page?.close();
  return seconds;
}

const browser = await launchBrowser();
const root = mkdtempSync(join(tmpdir(), "grove-bench-inspector-"));
try {
  console.log("inspector page (chromium): first render / click-to-repaint (median of 7 clicks)");
  for (const n of SIZES) {
    const run = await createLargeRun(join(root, String(n)), {
      scenarios: n,
      worktrees: Math.max(4, Math.round(n / 100)),
      failures: Math.max(2, Math.round(n / 200)),
      flaky: Math.max(1, Math.round(n / 300)),
    });
    const r = await execa(
      process.execPath,
      [GROVE, "run", "--setup-worktrees", "--workers", "4", "--reporter", "html", "--html-report", "r.html"],
      { cwd: run.mainRepo, reject: false },
    );
    if (r.exitCode !== 0 && r.exitCode !== 1) throw new Error(`grove run failed: ${r.stderr}`);
    const offline = await measurePage(browser, `file://${join(run.mainRepo, "r.html")}`);
    const id = readdirSync(join(run.mainRepo, ".grove", "runs"))[0]!;
    const server = execa(process.execPath, [GROVE, "inspect", id], { cwd: run.mainRepo, reject: false });
    const served = await measurePage(browser, await inspectorUrlOf(server));
    server.kill("SIGINT");
    await server;
    const target = n >= 10_000 ? [3000, 200] : n >= 1000 ? [1000, 100] : [1000, 100];
    for (const [label, m] of [
      ["offline report", offline],
      ["served (grove inspect)", served],
    ] as const)
      console.log(
        `${String(n).padStart(6)} scenarios, ${label.padEnd(24)} first render ${m.first.toFixed(0).padStart(5)} ms  click ${m.click.toFixed(1).padStart(6)} ms  ${m.first <= target[0]! && m.click <= target[1]! ? "within" : "OVER"} target (${target[0]} ms, ${target[1]} ms)`,
      );
  }

  // A live page attached to a 1,000-scenario run, against the same run without a page (interleaved).
  if (LIVE) await liveCost();
} finally {
  await browser.close();
  rmSync(root, { recursive: true, force: true });
}

async function liveCost(): Promise<void> {
  const run = await createLargeRun(join(root, "live"), { scenarios: 1000, worktrees: 10 });
  await execa(process.execPath, [GROVE, "run", "--setup-worktrees"], { cwd: run.mainRepo, reject: false });
  const withPage: number[] = [];
  const without: number[] = [];
  for (let round = 0; round < 4; round++) {
    if (round % 2) {
      without.push(await runGrove(run.mainRepo, []));
      withPage.push(await runGrove(run.mainRepo, ["--inspect"], browser));
    } else {
      withPage.push(await runGrove(run.mainRepo, ["--inspect"], browser));
      without.push(await runGrove(run.mainRepo, []));
    }
  }
  const a = median(withPage);
  const b = median(without);
  const cost = ((a - b) / b) * 100;
  console.log(
    `1,000-scenario run: ${a.toFixed(2)} s with a live page attached, ${b.toFixed(2)} s without (medians of 4 interleaved): ${cost.toFixed(1)}% (target < 5%; on a shared 2-core machine the browser's own processes compete with the run)`,
  );
  if (groveCpu.without.length) {
    const [cw, co] = [median(groveCpu.withPage), median(groveCpu.without)];
    console.log(
      `the run's own CPU time (grove and its children): ${cw.toFixed(2)} s with a page, ${co.toFixed(2)} s without: ${(((cw - co) / co) * 100).toFixed(1)}% (what serving the page costs the run itself)`,
    );
  }
  const task = median(pageTaskSeconds);
  console.log(
    `the page's own main-thread work during a run: ${task.toFixed(2)} s (median), ${((task / a) * 100).toFixed(1)}% of one core over the run`,
  );
}
