/**
 * The inspector in a real browser (Debian chromium through playwright-core): time to first render and
 * click-to-repaint at 40, 1,000 and 10,000 scenarios, for the offline report and for the page served
 * by `grove inspect` (the live view's code path: definitions, then every line over Server-Sent Events);
 * and a run's wall time with a live page attached against without one, for a short run of 1,000 no-op
 * scenarios (~2 s) and a run like a real one (1,000 scenarios of ~30 ms CPU each, tens of seconds),
 * in interleaved rounds with a ratio per round, with chromium's CPU over the run (from /proc, per
 * process and thread) against the run's own and against the floor of opening any page at all.
 * Targets: first render < 1 s and a click < 100 ms at 1,000; < 3 s and < 200 ms at 10,000; an open
 * page costs the run < 5%.
 * Usage: node build/bench/inspector.js [sizes...] [--no-live | --live-only] [--rounds=N] [--profile]
 * (default 40 1000 10000, then the live runs; --profile prints the live page's main thread by
 * function, from CDP's Profiler, which itself costs the page CPU). Clicks start once the page has
 * been idle for a second (the layout worker compiles elkjs right after load, on the same two cores). */
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { execa } from "execa";
import type { Browser, CDPSession, Page } from "playwright-core";
import { createLargeRun } from "../src/demo/large-run.js";
import { launchBrowser } from "../test/helpers/browser.js";
import { inspectorUrlOf } from "../test/helpers/inspector-url.js";
import { chromiumCpu, cpuBetween, sumCpu, type ThreadCpu, topFunctions } from "./lib/chromium-cpu.js";
import { median } from "./lib/measure.js";

const GROVE = fileURLToPath(new URL("../../dist/cli/grove.js", import.meta.url));
const sizes = process.argv
  .slice(2)
  .filter((a) => !a.startsWith("--"))
  .map(Number)
  .filter(Boolean);
const LIVE = !process.argv.includes("--no-live");
const LIVE_ONLY = process.argv.includes("--live-only");
/** --profile: also print where the live page's main thread spends its time (CDP Profiler). */
const PROFILE = process.argv.includes("--profile");
/** --rounds=N: interleaved rounds of each live measurement (default 6 for the short run, 4 for the long). */
const ROUNDS = Number(
  /^--rounds=(\d+)$/.exec(process.argv.find((a) => a.startsWith("--rounds=")) ?? "")?.[1] ?? 0,
);
const SIZES = LIVE_ONLY ? [] : sizes.length ? sizes : [40, 1000, 10_000];
const CLICKS = 7;
const SETTLE_MS = 3000;
/** A command that works the CPU for tens of milliseconds (a shell loop; no sleeping). */
const BUSY = ["sh", "-c", 'i=0; while [ "$i" -lt 40000 ]; do i=$((i+1)); done'];

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

/** GNU time, when there, gives the run's CPU time: far steadier than wall time on a shared machine. */
const TIME = existsSync("/usr/bin/time") ? "/usr/bin/time" : undefined;

interface RunMeasure {
  wall: number;
  /** grove and its children, user + system seconds (GNU time), when available. */
  groveCpu?: number;
  /** With a page: chromium's CPU seconds over the run per kind of process, and the page's main-thread work. */
  chromium?: Record<string, number>;
  pageTask?: number;
  /** With a page: chromium's CPU seconds to SETTLE_MS after the first render, and per second after. */
  settleCpu?: number;
  followCpuPerSecond?: number;
  /** With --profile: the page's functions by self time, milliseconds. */
  profile?: [string, number][];
}

async function runGrove(cwd: string, args: string[], browser?: Browser): Promise<RunMeasure> {
  let page: Page | undefined;
  let cdp: CDPSession | undefined;
  let before = new Map() as ThreadCpu;
  if (browser) {
    // The page (and its renderer) exists before the run starts, as for a user with the tab at hand.
    page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    cdp = await page.context().newCDPSession(page);
    await cdp.send("Performance.enable");
    if (PROFILE) {
      await cdp.send("Profiler.enable");
      await cdp.send("Profiler.setSamplingInterval", { interval: 200 });
      await cdp.send("Profiler.start");
    }
    before = chromiumCpu();
  }
  const start = process.hrtime.bigint();
  const argv = [GROVE, "run", "--workers", "4", ...args];
  const child = TIME
    ? execa(TIME, ["-f", "grove-cpu %U %S", process.execPath, ...argv], {
        cwd,
        reject: false,
        env: { NO_COLOR: "1" },
      })
    : execa(process.execPath, argv, { cwd, reject: false, env: { NO_COLOR: "1" } });
  let loaded: { at: bigint; cpu: ThreadCpu } | undefined;
  if (page) {
    await firstRender(page, await inspectorUrlOf(child));
    // Chromium goes on settling a new page's process for a few seconds after its first frame: the
    // steady cost of following the run is measured from SETTLE_MS after the first render on.
    const exited = await Promise.race([
      child.then(() => true),
      new Promise<false>((r) => setTimeout(() => r(false), SETTLE_MS)),
    ]);
    if (!exited) loaded = { at: process.hrtime.bigint(), cpu: chromiumCpu() };
  }
  const result = await child;
  const wall = Number(process.hrtime.bigint() - start) / 1e9;
  const cpu = /grove-cpu ([\d.]+) ([\d.]+)/.exec(String(result.stderr));
  const m: RunMeasure = { wall, ...(cpu ? { groveCpu: Number(cpu[1]) + Number(cpu[2]) } : {}) };
  if (cdp && page) {
    const end = chromiumCpu();
    m.chromium = cpuBetween(before, end);
    if (loaded) {
      m.settleCpu = sumCpu(cpuBetween(before, loaded.cpu));
      m.followCpuPerSecond =
        sumCpu(cpuBetween(loaded.cpu, end)) / (Number(process.hrtime.bigint() - loaded.at) / 1e9);
    }
    if (PROFILE) m.profile = topFunctions((await cdp.send("Profiler.stop")).profile);
    const { metrics } = await cdp.send("Performance.getMetrics");
    m.pageTask = metrics.find((x) => x.name === "TaskDuration")?.value ?? Number.NaN;
    // The page must have followed the run to its end (it says so once the stream ends).
    await page.waitForFunction(
      () => /has finished/.test(document.getElementById("banner")?.textContent ?? ""),
      null,
      {
        timeout: 30_000,
      },
    );
    await page.close();
  }
  return m;
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

  // A live page attached to a run, against the same run without a page (interleaved rounds): a short
  // run of no-op commands (a couple of seconds, where loading the page weighs most) and a run whose
  // commands do tens of milliseconds of CPU work each (tens of seconds, like a real run; CPU-bound,
  // so all the page's CPU is taken from the run).
  if (LIVE) {
    console.log(`\nlive page against none (load ${loadAverage()}):`);
    await anyPageCpu();
    await liveCost("1,000 no-op scenarios", { rounds: ROUNDS || 6 });
    await liveCost("1,000 scenarios of ~30 ms CPU each", { command: BUSY, rounds: ROUNDS || 4 });
  }
} finally {
  await browser.close();
  rmSync(root, { recursive: true, force: true });
}

/**
 * A live page attached to a run, against the same run without one. Rounds interleave the two (order
 * alternating) and each round gives a ratio, so a load change between rounds cancels out.
 */
async function liveCost(label: string, options: { command?: string[]; rounds: number }): Promise<void> {
  const run = await createLargeRun(join(root, `live-${label}`), {
    scenarios: 1000,
    worktrees: 10,
    ...(options.command ? { command: options.command } : {}),
  });
  await execa(process.execPath, [GROVE, "run", "--setup-worktrees"], { cwd: run.mainRepo, reject: false });
  const withPage: RunMeasure[] = [];
  const without: RunMeasure[] = [];
  const ratios: number[] = [];
  for (let round = 0; round < options.rounds; round++) {
    let a: RunMeasure;
    let b: RunMeasure;
    if (round % 2) {
      b = await runGrove(run.mainRepo, []);
      a = await runGrove(run.mainRepo, ["--inspect"], browser);
    } else {
      a = await runGrove(run.mainRepo, ["--inspect"], browser);
      b = await runGrove(run.mainRepo, []);
    }
    withPage.push(a);
    without.push(b);
    ratios.push(a.wall / b.wall);
    console.log(
      `  round ${round + 1}: ${a.wall.toFixed(2)} s with a page, ${b.wall.toFixed(2)} s without: ${((a.wall / b.wall - 1) * 100).toFixed(1)}%  (load ${loadAverage()})`,
    );
  }
  const [a, b] = [median(withPage.map((m) => m.wall)), median(without.map((m) => m.wall))];
  const cost = (median(ratios) - 1) * 100;
  console.log(
    `${label}: ${a.toFixed(2)} s with a live page attached, ${b.toFixed(2)} s without (medians of ${options.rounds} interleaved rounds); median of the rounds' ratios: ${cost >= 0 ? "+" : ""}${cost.toFixed(1)}% (target < 5%: ${cost < 5 ? "within" : "OVER"})`,
  );
  if (withPage[0]?.groveCpu !== undefined) {
    const [cw, co] = [median(withPage.map((m) => m.groveCpu!)), median(without.map((m) => m.groveCpu!))];
    console.log(
      `  the run's own CPU (grove and its children): ${cw.toFixed(2)} s with a page, ${co.toFixed(2)} s without: ${(((cw - co) / co) * 100).toFixed(1)}% (what serving the page costs the run itself)`,
    );
  }
  const kinds = [...new Set(withPage.flatMap((m) => Object.keys(m.chromium ?? {})))];
  const perKind = kinds
    .map((k) => [k, median(withPage.map((m) => m.chromium?.[k] ?? 0))] as const)
    .filter(([, sec]) => sec >= 0.05)
    .sort((x, y) => y[1] - x[1])
    .map(([k, sec]) => `${k} ${sec.toFixed(2)}`);
  const total = median(withPage.map((m) => sumCpu(m.chromium ?? {})));
  const task = median(withPage.map((m) => m.pageTask ?? Number.NaN));
  console.log(
    `  chromium's CPU over a run with the page: ${total.toFixed(2)} s; the page's main-thread tasks ${task.toFixed(2)} s; by process and thread (>= 0.05 s): ${perKind.join(", ")}`,
  );
  const runCpu = median(withPage.map((m) => m.groveCpu ?? Number.NaN));
  const settled = withPage.filter((m) => m.settleCpu !== undefined);
  console.log(
    `  chromium's CPU against the run's own: ${((total / runCpu) * 100).toFixed(1)}% (the most a CPU-bound run can lose to the page)${
      settled.length
        ? `; loading the page (to ${SETTLE_MS / 1000} s after its first render) ${median(settled.map((m) => m.settleCpu!)).toFixed(2)} s, then following the run ${(median(settled.map((m) => m.followCpuPerSecond!)) * 1000).toFixed(0)} ms per second`
        : ""
    }`,
  );
  const profile = withPage[0]?.profile;
  if (profile) {
    const total = profile.reduce((x, [, ms]) => x + ms, 0);
    console.log(`  the page's main thread by self time (first round, ${total.toFixed(0)} ms sampled):`);
    for (const [name, ms] of profile.slice(0, 15))
      console.log(`    ${ms.toFixed(0).padStart(6)} ms  ${name}`);
  }
}

/**
 * The floor: what opening any page on 127.0.0.1 (one line of HTML, from a server in this process)
 * costs chromium, and what it costs per second once idle. Grove's page cannot cost less.
 */
async function anyPageCpu(): Promise<void> {
  const server = createServer((_req, res) => {
    res.writeHead(200, { "Content-Type": "text/html; charset=utf-8" });
    res.end("<!doctype html><title>blank</title><p>hello</p>");
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const loads: number[] = [];
  const idle: number[] = [];
  try {
    for (let k = 0; k < 3; k++) {
      const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
      const before = chromiumCpu();
      await page.goto(`http://127.0.0.1:${(server.address() as AddressInfo).port}/`);
      await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => setTimeout(r, 0))));
      await page.waitForTimeout(SETTLE_MS);
      const loaded = chromiumCpu();
      await page.waitForTimeout(5000);
      loads.push(sumCpu(cpuBetween(before, loaded)));
      idle.push(sumCpu(cpuBetween(loaded, chromiumCpu())) / 5);
      await page.close();
    }
  } finally {
    server.close();
  }
  console.log(
    `any page (one line of HTML from 127.0.0.1): chromium's CPU to load it (to ${SETTLE_MS / 1000} s after its first frame) ${median(loads).toFixed(2)} s, then ${(median(idle) * 1000).toFixed(1)} ms per second idle (median of 3): the floor under the numbers below`,
  );
}

function loadAverage(): string {
  return readFileSync("/proc/loadavg", "utf8").split(" ").slice(0, 3).join(" ");
}
