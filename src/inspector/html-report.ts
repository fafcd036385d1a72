/**
 * `--reporter html`: the inspector page as one self-contained HTML file with the run embedded, openable
 * offline from disk. The data goes in a JSON script block with every "<" escaped, so no recorded text
 * (a scenario name, test output) can close the block or open a tag. The layout worker (elkjs) is
 * inlined gzipped as base64 (it is most of the page: 1.6 MB as text, 0.6 MB so), unpacked by the page
 * and started from a Blob URL; a Content-Security-Policy allows exactly that: inline
 * scripts and styles of this file, blob: workers, data: images, and no network at all.
 */
import { readFileSync } from "node:fs";
import { gzipSync } from "node:zlib";
import { InternalError } from "../errors.js";
import type { Reporter } from "../reporters/reporter.js";
import { writeFileAtomic } from "../util/atomic-write.js";
import { inspectorAsset, PAGE_SCRIPTS } from "./assets.js";
import type { RunDefinitions, RunRecorder } from "./recorder.js";

const OFFLINE_CSP =
  "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; worker-src blob:; img-src data:; connect-src 'none'; base-uri 'none'; form-action 'none'";

/** elkjs and the layout worker, gzipped as base64: packed once per process. */
let packedWorker: string | undefined;

/** The page with the run embedded, as one HTML string. */
function renderHtmlReport(definitions: RunDefinitions, lines: readonly string[]): string {
  const read = (name: string) => readFileSync(inspectorAsset(name), "utf8");
  const safeScript = (code: string) => code.replace(/<\/script/gi, "<\\/script");
  // `lines` are the recorded lines' JSON: joined, not parsed and serialised again.
  const data = `{"definitions":${JSON.stringify(definitions)},"lines":[${lines.join(",")}]}`
    .replace(/</g, "\\u003c")
    .replace(/\u2028/g, "\\u2028")
    .replace(/\u2029/g, "\\u2029");
  packedWorker ??= gzipSync(`${read("elk.bundled.js")}\n${read("layout-worker.js")}`).toString("base64");
  const worker = packedWorker;
  let html = read("index.html")
    .replace(
      /<meta name="grove-token"[^>]*>\n/,
      () => `<meta http-equiv="Content-Security-Policy" content="${OFFLINE_CSP}">\n`,
    )
    .replace(/<link rel="stylesheet"[^>]*>/, () => `<style>\n${read("style.css")}\n</style>`);
  for (const name of PAGE_SCRIPTS) {
    const tag = `<script src="/assets/${name}?token=__TOKEN__"></script>`;
    if (!html.includes(tag)) throw new InternalError(`index.html does not load ${name}`);
    const inline =
      name === "app.js"
        ? `<script type="application/json" id="grove-data">${data}</script>\n<script type="text/plain" id="grove-worker">${worker}</script>\n<script>${safeScript(read(name))}</script>`
        : `<script>${safeScript(read(name))}</script>`;
    html = html.replace(tag, () => inline);
  }
  return html;
}

/** Writes the report atomically. */
function writeHtmlReport(path: string, definitions: RunDefinitions, lines: readonly string[]): void {
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
