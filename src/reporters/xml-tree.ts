/**
 * A small XML element tree and the one place it is serialized (fast-xml-parser's builder does the
 * escaping, and splits `]]>` inside CDATA). Reporters build trees; none of them concatenates XML text.
 * Every attribute value and text is made XML-safe here (no ANSI, no control characters).
 */
import { XMLBuilder } from "fast-xml-parser";
import { xmlSafeText } from "../util/strip-control.js";

/** An element: name, attributes (undefined ones are left out), children in order. */
export interface XmlElement {
  name: string;
  attrs?: Record<string, string | number | undefined>;
  children?: XmlChild[];
}

/** A child: an element, plain text, or a CDATA section (for output, which is read as is). */
export type XmlChild = XmlElement | { text: string } | { cdata: string };

/** Shorthand for an element. */
export function el(name: string, attrs?: XmlElement["attrs"], children?: XmlChild[]): XmlElement {
  return { name, ...(attrs ? { attrs } : {}), ...(children ? { children } : {}) };
}

type Ordered = Record<string, unknown>;

function toOrdered(node: XmlChild): Ordered {
  if ("text" in node) return { "#text": xmlSafeText(node.text) };
  if ("cdata" in node) return { "#cdata": [{ "#text": xmlSafeText(node.cdata) }] };
  const out: Ordered = { [node.name]: (node.children ?? []).map(toOrdered) };
  const attrs = Object.entries(node.attrs ?? {}).filter(
    (e): e is [string, string | number] => e[1] !== undefined,
  );
  if (attrs.length > 0) out[":@"] = Object.fromEntries(attrs.map(([k, v]) => [k, oneLine(String(v))]));
  return out;
}

/** Attribute values lose newlines when parsed anyway (XML normalizes them to spaces): say so here. */
const oneLine = (v: string) =>
  xmlSafeText(v)
    .replace(/\s*\n\s*/g, " ")
    .trim();

const builder = new XMLBuilder({
  preserveOrder: true,
  ignoreAttributes: false,
  attributeNamePrefix: "",
  cdataPropName: "#cdata",
  suppressEmptyNode: true,
  format: true,
  indentBy: "  ",
});

/** The document: XML declaration, then the root element. */
export function serializeXml(root: XmlElement): string {
  const body = builder.build([toOrdered(root)]) as string;
  return `<?xml version="1.0" encoding="UTF-8"?>\n${body.trim()}\n`;
}
