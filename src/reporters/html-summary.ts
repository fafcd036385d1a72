/**
 * A static HTML page of a report: counts, then one row per scenario with status, reason, duration and
 * the output tail of what did not pass. For a merged report (grove merge-reports), where the
 * inspector's recording of each shard stays on its machine. Built as a tree and serialized by
 * xml-tree.ts (XHTML-compatible), so no text from a test can open a tag.
 */
import type { Report } from "./build-report.js";
import { el, serializeXml, type XmlChild, type XmlElement } from "./xml-tree.js";

const text = (t: string | number): XmlChild => ({ text: String(t) === "" ? " " : String(t) });
const td = (t: string | number, attrs?: XmlElement["attrs"]) => el("td", attrs, [text(t)]);

const STYLE = `body{font:14px system-ui,sans-serif;margin:2em}table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:4px 8px;text-align:left;vertical-align:top}.passed{color:#16794a}.failed,.errored,.timed-out{color:#b42318}.skipped,.cancelled{color:#667085}pre{margin:0;max-width:80em;overflow:auto}`;

export function renderHtmlSummary(report: Report): string {
  const s = report.summary;
  const counts = `${s.total} scenario(s): ${s.passed} passed (${s.flaky} flaky), ${s.failed} failed, ${s.timed_out} timed out, ${s.errors - s.timed_out} errored, ${s.skipped} skipped, ${s.cancelled} cancelled; ${s.duration}s`;
  const rows = report.scenarios.map((x) =>
    el("tr", undefined, [
      td(x.name),
      td(x.worktree),
      td(x.status + (x.flaky ? " (flaky)" : ""), { class: x.status }),
      td(x.detail),
      td(x.duration.toFixed(1)),
      el("td", undefined, [
        x.status === "passed" || !x.output_tail ? text(" ") : el("pre", undefined, [text(x.output_tail)]),
      ]),
    ]),
  );
  const page = el("html", { xmlns: "http://www.w3.org/1999/xhtml", lang: "en" }, [
    el("head", undefined, [
      el("meta", { charset: "utf-8" }),
      el("title", undefined, [text(`Grove report ${report.grove.run_id}`)]),
      el("style", undefined, [text(STYLE)]),
    ]),
    el("body", undefined, [
      el("h1", undefined, [text("Grove report")]),
      el("p", undefined, [text(counts)]),
      el("table", undefined, [
        el(
          "tr",
          undefined,
          ["scenario", "worktree", "status", "detail", "seconds", "output"].map((h) =>
            el("th", undefined, [text(h)]),
          ),
        ),
        ...rows,
      ]),
    ]),
  ]);
  return serializeXml(page);
}
