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
import { JUnitReporter } from "../reporters/junit-reporter.js";
import { CompositeReporter, type Reporter } from "../reporters/reporter.js";
import { TimingsReporter } from "../reporters/timings-store.js";
import type { CommandIo } from "./commands/command-io.js";
import type { ParsedValue } from "./parse-args.js";

/** What a run needs of its outputs: the composite, the recorder (for XState inspection) and a closer. */
export interface RunReporters {
  reporter: Reporter;
  recorder?: RunRecorder;
  /** Whether there is a live inspector (else the CLI prints how to replay the recording). */
  live: boolean;
  /** Ends the live inspector, if any (after the report is out). */
  close(): Promise<void>;
}

export interface RunReporterContext {
  values: Record<string, ParsedValue | undefined>;
  io: CommandIo;
  runId: string;
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
  const junitPath = values.junit ? resolve(io.cwd, values.junit as string) : undefined;
  const extra = (values.reporter as string[] | undefined) ?? [];
  for (const r of extra)
    if (r !== "html")
      throw new UsageError(
        `unknown reporter "${r}"; the extra reporter is html (the console and JSON reports are always written)`,
      );
  const htmlPath =
    extra.includes("html") || values["html-report"]
      ? resolve(io.cwd, (values["html-report"] as string | undefined) ?? "integration_report.html")
      : undefined;
  const record = values.record !== false;
  if (!record && (values.inspect !== undefined || htmlPath))
    throw new UsageError("--inspect and --reporter html show the recording; drop --no-record");

  let recorder: RunRecorder | undefined;
  let html: Reporter | undefined;
  let inspector: InspectorServer | undefined;
  let finishLive: (() => void) | undefined;
  if (record) {
    // The inspector's page, server and HTML report are loaded only when asked for.
    const { createRunRecorder } = await import("../inspector/run-source.js");
    recorder = createRunRecorder(ctx.runDir, ctx.runId, ctx.plan, ctx.pipeline);
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
      inspector = await startInspectorServer(live.source, { port: values.inspect as number });
      io.stdout(`Inspector (live; read-only, 127.0.0.1 only):\n${inspector.url}\n`);
    }
  }
  const reporter = new CompositeReporter([
    recorder,
    finishLive ? { onEnd: finishLive } : undefined,
    html,
    new JsonReporter([ctx.reportPath, join(ctx.runDir, "report.json")]),
    junitPath ? new JUnitReporter(junitPath) : undefined,
    ctx.recordTimings ? new TimingsReporter(ctx.mainRepo) : undefined,
    new ConsoleReporter({
      write: io.stdout,
      tty: io.isTTY,
      color: io.isTTY && !io.env.NO_COLOR,
      files: {
        report: ctx.reportPath,
        ...(junitPath ? { junit: junitPath } : {}),
        ...(htmlPath ? { html: htmlPath } : {}),
      },
    }),
  ]);
  return {
    reporter,
    ...(recorder ? { recorder } : {}),
    live: inspector !== undefined,
    close: async () => {
      await inspector?.close();
    },
  };
}
