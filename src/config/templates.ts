/**
 * `{name}` templates in argv elements. Substitution produces exactly one argv element per template
 * element: a value with spaces or quotes stays one argument, and nothing ever goes through a shell.
 * `{{` and `}}` stand for literal braces.
 */
import { GroveError } from "../errors.js";

export type TemplatePart = { literal: string } | { variable: string };

/** Variables a scenario's test, before and after steps may use. */
export const SCENARIO_VARIABLES = [
  "test_file",
  "scenario",
  "worktree",
  "worktree_slug",
  "worktree_path",
  "main_repo",
  "branch",
  "run_id",
  "attempt",
  "junit_path",
] as const;

/** Variables setup steps, verify checks and the branch template may use. */
export const WORKTREE_VARIABLES = [
  "worktree",
  "worktree_slug",
  "worktree_path",
  "main_repo",
  "branch",
] as const;

/** A `{...}` template in the pipeline is malformed (unclosed brace, unknown variable). */
export class TemplateSyntaxError extends GroveError {
  readonly code = "E_TEMPLATE";
  override readonly name = "TemplateSyntaxError";
}

export function parseTemplate(text: string): TemplatePart[] {
  const parts: TemplatePart[] = [];
  let literal = "";
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (ch === "{" && text[i + 1] === "{") {
      literal += "{";
      i++;
    } else if (ch === "}" && text[i + 1] === "}") {
      literal += "}";
      i++;
    } else if (ch === "{") {
      const end = text.indexOf("}", i);
      if (end === -1)
        throw new TemplateSyntaxError(`unclosed "{" at character ${i + 1}; write "{{" for a literal brace`);
      const name = text.slice(i + 1, end);
      if (!/^[a-z_]+$/.test(name)) throw new TemplateSyntaxError(`"{${name}}" is not a variable name`);
      if (literal) parts.push({ literal });
      literal = "";
      parts.push({ variable: name });
      i = end;
    } else if (ch === "}") {
      throw new TemplateSyntaxError(`unmatched "}" at character ${i + 1}; write "}}" for a literal brace`);
    } else literal += ch;
  }
  if (literal) parts.push({ literal });
  return parts;
}

/** Substitutes variables; an unknown or missing one is a bug here (loaders validate names first). */
export function renderTemplate(text: string, vars: Readonly<Record<string, string | undefined>>): string {
  if (!text.includes("{") && !text.includes("}")) return text;
  return parseTemplate(text)
    .map((p) => {
      if ("literal" in p) return p.literal;
      const value = vars[p.variable];
      if (value === undefined) throw new TemplateSyntaxError(`variable {${p.variable}} has no value here`);
      return value;
    })
    .join("");
}

export function renderArgv(
  argv: readonly string[],
  vars: Readonly<Record<string, string | undefined>>,
): string[] {
  return argv.map((a) => renderTemplate(a, vars));
}
