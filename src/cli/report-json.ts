/**
 * Reads back a JSON report Grove wrote (`merge-reports`, `--last-failed`). A report that is not valid
 * JSON was cut short or edited by hand; its syntax error is located (file:line:column) as one in
 * scenarios.json is, with a fix that fits a report.
 */
import { parseJsonDocument } from "../config/json-document.js";
import { ConfigError } from "../errors.js";

export function parseReportJson(text: string, shown: string, hint: string): unknown {
  const { doc, problems } = parseJsonDocument(shown, text);
  if (doc) return doc.value;
  throw new ConfigError(problems.map((problem) => ({ ...problem, hint })));
}
