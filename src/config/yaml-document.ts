/**
 * Strict YAML (pipelines) parsed into a SourceDocument: unknown tags, warnings and duplicate keys are
 * errors; an alias naming no anchor is located; nesting past MAX_NESTING_DEPTH is refused on the
 * parser's token tree (built without recursion) before the composer recurses over it. Duplicate keys
 * and locations are found with hash maps, so a mapping of 40,000 keys costs what 40 do, per key.
 */
import {
  type Alias,
  Composer,
  type CST,
  type Document,
  isAlias,
  isMap,
  isPair,
  isScalar,
  isSeq,
  LineCounter,
  type Node,
  type Pair,
  Parser,
} from "yaml";
import type { Diagnostic, SourceLocation } from "../errors.js";
import { type PathSegment, toPointer } from "../util/json-pointer.js";
import { tooDeep } from "./document-checks.js";
import { MAX_NESTING_DEPTH } from "./input-limits.js";
import type { ParsedDocument } from "./source-document.js";

/**
 * Caps alias expansion: a legitimate pipeline may reuse `*defaults` hundreds of times, while an alias
 * bomb expands exponentially and is refused. Never -1 (no limit).
 */
const YAML_MAX_ALIAS_COUNT = 1000;

/** Parses YAML strictly; every problem becomes a diagnostic with line:column. */
export function parseYamlDocument(file: string, text: string): ParsedDocument {
  const lineCounter = new LineCounter();
  const at = (offset: number) => {
    const pos = lineCounter.linePos(offset);
    return { file, line: pos.line, column: pos.col };
  };
  const tokens = Array.from(new Parser(lineCounter.addNewLine).parse(text));
  const deepAt = firstTooDeepToken(tokens);
  if (deepAt !== undefined) return { problems: [tooDeep(file, at(deepAt))] };

  // uniqueKeys is checked below in linear time; the composer's own check is quadratic.
  const composer = new Composer({ uniqueKeys: false, strict: true, prettyErrors: false });
  const documents = Array.from(composer.compose(tokens, true, text.length));
  const document = documents[0]!;
  const toDiag = (e: { message: string; pos: [number, number] }, kind: string): Diagnostic => ({
    location: at(e.pos[0]),
    message: `${kind}: ${e.message.split("\n")[0]}`,
    hint: e.message.includes("tag")
      ? "Grove pipelines use plain YAML: remove the custom tag (e.g. !!js/function)"
      : "fix the YAML syntax at this point",
  });
  const problems = [
    ...document.errors.map((e) => toDiag(e, "invalid YAML")),
    ...document.warnings.map((e) => toDiag(e, "YAML warning treated as an error")),
  ];
  if (documents.length > 1)
    problems.push({
      location: at(documents[1]!.range[0]),
      message: "a second YAML document (after ---) in one pipeline file",
      hint: "keep one pipeline per file: remove the --- line and what follows, or move it to its own file",
    });
  if (problems.length > 0) return { problems };
  problems.push(...structureProblems(document, at));
  if (problems.length > 0) return { problems };

  let value: unknown;
  try {
    value = document.toJS({ maxAliasCount: YAML_MAX_ALIAS_COUNT });
  } catch (error) {
    return {
      problems: [
        {
          location: at(0),
          message: `YAML aliases expand too much: ${(error as Error).message}`,
          hint: `a document may expand aliases at most ${YAML_MAX_ALIAS_COUNT} times; write the repeated part out or reuse it less`,
        },
      ],
    };
  }
  return { doc: { file, value, locate: locator(document, file, at) }, problems: [] };
}

/** Where the token tree first nests deeper than MAX_NESTING_DEPTH; an explicit stack, no recursion. */
function firstTooDeepToken(tokens: readonly CST.Token[]): number | undefined {
  const stack: { token: CST.Token | null | undefined; depth: number }[] = tokens.map((token) => ({
    token,
    depth: 0,
  }));
  while (stack.length > 0) {
    const { token, depth } = stack.pop()!;
    if (!token) continue;
    if (token.type === "document") stack.push({ token: token.value, depth });
    else if (token.type === "block-map" || token.type === "block-seq" || token.type === "flow-collection") {
      if (depth + 1 > MAX_NESTING_DEPTH) return token.offset;
      for (const item of token.items as CST.CollectionItem[]) {
        stack.push({ token: item.key, depth: depth + 1 });
        stack.push({ token: item.value, depth: depth + 1 });
      }
    }
  }
  return undefined;
}

type At = (offset: number) => { file: string; line: number; column: number };

/** Repeated keys, keys that are not plain scalars, and aliases that name no anchor. */
function structureProblems(document: Document.Parsed, at: At): Diagnostic[] {
  const problems: Diagnostic[] = [];
  const stack: unknown[] = [document.contents];
  while (stack.length > 0) {
    const node = stack.pop();
    if (isAlias(node)) {
      if (node.resolve(document) === undefined)
        problems.push({
          location: at(node.range?.[0] ?? 0),
          message: `alias *${node.source} refers to no anchor: there is no "&${node.source}" before it`,
          hint: `write the value here, or put "&${node.source}" on a value above this line and keep *${node.source}`,
        });
    } else if (isMap(node)) {
      const firstKeys = new Map<string, Node>();
      for (const pair of node.items) {
        const key = pair.key as Node | null;
        if (key !== null && !isScalar(key)) {
          problems.push({
            location: at(key.range?.[0] ?? 0),
            message: "a key that is a list, mapping or alias; Grove's keys are plain text",
            hint: "write the key as plain text, e.g. `name:`",
          });
        } else {
          const name = String(key?.value ?? "");
          const first = firstKeys.get(name);
          if (first) {
            const pos = at(first.range?.[0] ?? 0);
            problems.push({
              location: at(key?.range?.[0] ?? 0),
              message: `duplicate key ${JSON.stringify(name)}; it is also at line ${pos.line}:${pos.column}`,
              hint: "keep one of them",
            });
          } else if (key) firstKeys.set(name, key);
        }
        stack.push(pair.value);
      }
    } else if (isSeq(node)) stack.push(...node.items);
  }
  return problems.reverse();
}

/** Locates paths through mappings (by key, via a per-mapping index built once), sequences and aliases. */
function locator(document: Document.Parsed, file: string, at: At) {
  const index = new WeakMap<object, Map<string, Pair>>();
  const pairFor = (map: { items: unknown[] }, key: string): Pair | undefined => {
    let byKey = index.get(map);
    if (!byKey) {
      byKey = new Map();
      for (const p of map.items)
        if (isPair(p) && isScalar(p.key) && !byKey.has(String(p.key.value)))
          byKey.set(String(p.key.value), p);
      index.set(map, byKey);
    }
    return byKey.get(key);
  };
  return (path: readonly PathSegment[]): SourceLocation => {
    let node: unknown = document.contents;
    let offset = (document.contents as { range?: [number] } | null)?.range?.[0] ?? 0;
    for (const seg of path) {
      if (isAlias(node)) node = (node as Alias).resolve(document);
      if (isMap(node)) {
        const pair = pairFor(node, String(seg));
        if (!pair) break;
        offset = (pair.key as { range?: [number] }).range?.[0] ?? offset;
        node = pair.value;
      } else if (isSeq(node) && typeof seg === "number" && node.items[seg] !== undefined) {
        node = node.items[seg];
        offset = (node as { range?: [number] }).range?.[0] ?? offset;
      } else break;
    }
    return { ...at(offset), file, path: toPointer(path) };
  };
}
