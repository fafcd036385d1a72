/** Minimal glob for verify checks: `*` and `?` within one path component, `**` for any depth. */
import { readdirSync, statSync } from "node:fs";
import { join } from "node:path";

const toRegExp = (segment: string) =>
  new RegExp(
    `^${segment
      .replace(/[.+^${}()|[\]\\]/g, "\\$&")
      .replace(/\*/g, "[^/]*")
      .replace(/\?/g, "[^/]")}$`,
  );

function entries(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}

/** Paths under `root` matching `pattern` (relative), at most `limit`. */
export function globMatches(root: string, pattern: string, limit = 1): string[] {
  const segments = pattern.split("/").filter(Boolean);
  const found: string[] = [];
  const walk = (dir: string, i: number, rel: string) => {
    if (found.length >= limit) return;
    if (i === segments.length) {
      found.push(rel);
      return;
    }
    const seg = segments[i]!;
    if (seg === "**") {
      walk(dir, i + 1, rel);
      for (const e of entries(dir)) {
        const p = join(dir, e);
        try {
          if (statSync(p).isDirectory() && e !== ".git") walk(p, i, rel ? `${rel}/${e}` : e);
        } catch {}
      }
      return;
    }
    const re = toRegExp(seg);
    for (const e of entries(dir)) if (re.test(e)) walk(join(dir, e), i + 1, rel ? `${rel}/${e}` : e);
  };
  walk(root, 0, "");
  return found;
}
