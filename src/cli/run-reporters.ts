/**
 * The reporters `grove run` attaches, chosen from its options: the inspector's recorder (and, with
 * --inspect, the live server over it), the HTML page, the JSON report (the user's path and the run
 * dir's), JUnit, the timings store and the console, last, so its summary can name the files. New
 * outputs are one more entry here; nothing else in the run changes.
 */
import { join, resolve } from "node:path";
import type { Pipeline } from "../config/types.js";
import { UsageError } from "../errors.js";
import type { RunRecorder } from "../inspector/recorder.js";
import type { InspectorServer } from "../inspector/server.js";
import type { Plan } from "../plan/plan.js";
import { ConsoleReporter } from "../reporters/console-reporter.js";
import { JsonReporter } from "../reporters/json-reporter.js";
import { NdjsonReporter } from "../reporters/ndjson-reporter.js";
import { CompositeReporter, type Reporter } from "../reporters/reporter.js";
import { TimingsReporter } from "../reporters/timings-store.js";
import { didYouMean } from "../util/did-you-mean.js";
import type { CommandIo } from "./commands/command-io.js";
import { checkOutputFile } from "./preflight.js";

/** What a run needs of its outputs: the composite, the recorder (for XState inspection) and a closer. */
export interface RunReporters {
  reporter: Reporter;
  recorder?: RunRecorder;
  /** Whether there is a live inspector (else the CLI prints how to replay the recording). */
  live: boolean;
  /** Where words for people go: stdout, or stderr when ndjson owns stdout. */
  human(text: string): void;
  /** Ends the live inspector, if any (after the report is out). */
  close(): Promise<void>;
}

/** The flags of `grove run` that choose its outputs (typed as RUN_OPTIONS parses them). */
export interface ReporterFlags {
  junit?: string;
  "html-report"?: string;
  record?: boolean;
  inspect?: number;
  reporter?: string[];
}

export interface RunReporterContext {
  values: ReporterFlags;
  io: CommandIo;
  runId: string;
  /** The argument of `grove inspect` that replays this run (see RunDefinitions.replay). */
  replay: string;
  runDir: string;
  reportPath: string;
  mainRepo: string;
  plan: Plan;
  pipeline: Pipeline;
  /** Record this run's durations for the planner (not for a shard). */
  recordTimings: boolean;
}

/** Checks the reporter options and makes the reporters; starts the live inspector when asked. */
export async function createRunReporters(ctx: RunReporterContext): Promise<RunReporters> {
  const { values, io } = ctx;
  const chosen = chooseReporters(values, io);
  const junitPath =
    values.junit || chosen.names.has("junit") ? resolve(io.cwd, values.junit ?? "junit.xml") : undefined;
  const htmlPath =
    chosen.names.has("html") || values["html-report"]
      ? resolve(io.cwd, values["html-report"] ?? "integration_report.html")
      : undefined;
  const record = values.record !== false;
  if (!record && (values.inspect !== undefined || htmlPath))
    throw new UsageError("--inspect and --reporter html show the recording; drop --no-record");
  // Before the run: a path that cannot be written would otherwise throw the run away at its end.
  checkOutputFile(ctx.reportPath, "--report");
  if (junitPath) checkOutputFile(junitPath, "--junit", "junit.xml");
  if (htmlPath) checkOutputFile(htmlPath, "--html-report", "report.html");

  let recorder: RunRecorder | undefined;
  let html: Reporter | undefined;
  let inspector: InspectorServer | undefined;
  let finishLive: (() => void) | undefined;
  if (record) {
    // The inspector's page, server and HTML report are loaded only when asked for.
    const { createRunRecorder } = await import("../inspector/run-source.js");
    recorder = createRunRecorder(ctx.runDir, ctx.runId, ctx.replay, ctx.plan, ctx.pipeline);
    if (htmlPath) {
      const { HtmlReporter } = await import("../inspector/html-report.js");
      html = new HtmlReporter(htmlPath, recorder);
    }
    if (values.inspect !== undefined) {
      const [{ liveSource }, { startInspectorServer }] = await Promise.all([
        import("../inspector/run-source.js"),
        import("../inspector/server.js"),
      ]);
      recorder.retain = true;
      const live = liveSource(recorder, recorder.definitions);
      finishLive = live.finish;
      inspector = await startInspectorServer(live.source, { port: values.inspect });
      chosen.human(`Inspector (live; read-only, 127.0.0.1 only):\n${inspector.url}\n`);
    }
  }
  // JUnit (an XML library) and GitHub's reporters are loaded only when chosen: start-up time.
  const { JUnitReporter } = junitPath ? await import("../reporters/junit-reporter.js") : {};
  const { GithubReporter } = chosen.names.has("github")
    ? await import("../reporters/github-reporter.js")
    : {};
  const reporter = new CompositeReporter([
    recorder,
    finishLive ? { onEnd: finishLive } : undefined,
    html,
    new JsonReporter([ctx.reportPath, join(ctx.runDir, "report.json")]),
    junitPath && JUnitReporter
      ? new JUnitReporter(junitPath, { suitePerScenario: ctx.pipeline.test.junit !== undefined })
      : undefined,
    ctx.recordTimings ? new TimingsReporter(ctx.mainRepo) : undefined,
    chosen.names.has("ndjson") ? new NdjsonReporter(io.stdout) : undefined,
    GithubReporter
      ? new GithubReporter({
          write: chosen.human,
          ...(io.env.GITHUB_STEP_SUMMARY ? { summaryPath: io.env.GITHUB_STEP_SUMMARY } : {}),
          dependencies: new Map(ctx.plan.scenarios.map((p) => [p.name, p.dependencies])),
        })
      : undefined,
    chosen.console
      ? new ConsoleReporter({
          write: chosen.human,
          tty: chosen.console === "board",
          color: useColor(io),
          files: {
            report: ctx.reportPath,
            ...(junitPath ? { junit: junitPath } : {}),
            ...(htmlPath ? { html: htmlPath } : {}),
          },
        })
      : undefined,
  ]);
  return {
    reporter,
    ...(recorder ? { recorder } : {}),
    live: inspector !== undefined,
    human: chosen.human,
    close: async () => {
      await inspector?.close();
    },
  };
}

/** The names `--reporter` accepts. */
const REPORTER_NAMES = ["board", "line", "json", "junit", "github", "html", "ndjson"] as const;
type ReporterName = (typeof REPORTER_NAMES)[number];

/**
 * Which outputs a run gets. Files (json, junit, html) add to the defaults; the JSON report is always
 * written. The console is `board` on a terminal and `line` elsewhere unless one of board, line or
 * ndjson is named; `github` is on whenever GITHUB_ACTIONS=true. ndjson owns stdout, so the console
 * and GitHub's commands (which Actions reads on stderr too) move to stderr beside it.
 */
export function chooseReporters(
  values: Pick<ReporterFlags, "reporter">,
  io: CommandIo,
): { names: Set<ReporterName>; console: "board" | "line" | undefined; human: (text: string) => void } {
  const names = new Set<ReporterName>();
  for (const entry of values.reporter ?? [])
    for (const raw of entry.split(",")) {
      const name = raw.trim();
      if (!name) continue;
      if (!(REPORTER_NAMES as readonly string[]).includes(name))
        throw new UsageError(
          `unknown reporter "${name}"${didYouMean(name, REPORTER_NAMES)}; reporters are ${REPORTER_NAMES.join(", ")}`,
        );
      names.add(name as ReporterName);
    }
  if (names.has("board") && names.has("line"))
    throw new UsageError("--reporter board and line are two forms of the console: pick one");
  if (io.env.GITHUB_ACTIONS === "true") names.add("github");
  const console = names.has("board")
    ? "board"
    : names.has("line")
      ? "line"
      : names.has("ndjson")
        ? undefined
        : io.isTTY
          ? "board"
          : "line";
  return { names, console, human: names.has("ndjson") ? io.stderr : io.stdout };
}

/** Colour: FORCE_COLOR (set, not "0" or "false") turns it on anywhere, e.g. in CI logs; else NO_COLOR or no terminal turns it off. */
export function useColor(io: CommandIo): boolean {
  const force = io.env.FORCE_COLOR;
  if (force !== undefined && force !== "0" && force !== "false") return true;
  return io.isTTY && !io.env.NO_COLOR;
}
