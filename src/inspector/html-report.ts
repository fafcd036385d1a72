/**
 * `--reporter html`: the inspector page as one self-contained HTML file with the run embedded, openable
 * offline from disk. The data goes in a JSON script block with every "<" escaped, so no recorded text
 * (a scenario name, test output) can close the block or open a tag.
 */
import { readFileSync } from "node:fs";
import type { Reporter } from "../reporters/reporter.js";
import { writeFileAtomic } from "../util/atomic-write.js";
import { inspectorAsset } from "./assets.js";
import type { RecordLine, RunDefinitions, RunRecorder } from "./recorder.js";

export function renderHtmlReport(definitions: RunDefinitions, lines: readonly RecordLine[]): string {
  const read = (name: string) => readFileSync(inspectorAsset(name), "utf8");
  const safeScript = (code: string) => code.replace(/<\/script/gi, "<\\/script");
  const data = JSON.stringify({ definitions, lines })
    .replace(/</g, "\\u003c")
    .replace(/\u2028/g, "\\u2028")
    .replace(/\u2029/g, "\\u2029");
  return read("index.html")
    .replace(/<meta name="grove-token"[^>]*>\n/, "")
    .replace(/<link rel="stylesheet"[^>]*>/, () => `<style>\n${read("style.css")}\n</style>`)
    .replace(
      /<script src="\/assets\/dagre\.min\.js[^"]*"><\/script>/,
      () => `<script>${safeScript(read("dagre.min.js"))}</script>`,
    )
    .replace(
      /<script src="\/assets\/app\.js[^"]*"><\/script>/,
      () =>
        `<script type="application/json" id="grove-data">${data}</script>\n<script>${safeScript(read("app.js"))}</script>`,
    );
}

export function writeHtmlReport(
  path: string,
  definitions: RunDefinitions,
  lines: readonly RecordLine[],
): void {
  writeFileAtomic(path, renderHtmlReport(definitions, lines));
}

/** `--reporter html` as a reporter: at the end, the recorder's retained lines as one offline page. */
export class HtmlReporter implements Reporter {
  constructor(
    private readonly path: string,
    private readonly recorder: RunRecorder,
  ) {
    recorder.retain = true;
  }

  onEnd(): void {
    writeHtmlReport(this.path, this.recorder.definitions, this.recorder.lines);
  }
}
