/**
 * Glob matching for verify checks and `disposable` patterns, with picomatch (`*`, `?`, `**`, `[...]`,
 * `{a,b}`, `!(...)`; dotfiles match). Not responsible for deciding what a worktree may lose: that is
 * worktree-status.ts; this only answers "does this path match".
 *
 * The walk is written here, not taken from tinyglobby, because tinyglobby cannot report a symlink
 * without following it (`followSymbolicLinks: false` drops symlinks from the results too) and has no
 * early exit. Here a symlink is reported as an entry but never descended into, so `src/up -> ..` ends
 * the walk instead of looping; only the pattern's literal base (`build` in `build/*.so`) is resolved
 * by the operating system, so a `link` step's `node_modules -> <main>/node_modules` still answers
 * `node_modules/.bin/*`.
 */
import { type Dirent, lstatSync, readdirSync } from "node:fs";
import { createRequire } from "node:module";
import { isAbsolute, join, relative } from "node:path";
import type picomatchType from "picomatch";

const OPTIONS: picomatchType.PicomatchOptions = { dot: true };

let loaded: typeof picomatchType | undefined;
/**
 * picomatch, loaded on first use (synchronously: it is CommonJS). Most runs match no glob, and every
 * module loaded at start-up is start-up time.
 */
export function picomatch(): typeof picomatchType {
  loaded ??= createRequire(import.meta.url)("picomatch") as typeof picomatchType;
  return loaded;
}

/** Strips "./" and "/" prefixes and a trailing "/" (a glob names a path, not a directory). */
function normalise(pattern: string): string {
  return pattern.replace(/^(\.\/|\/)+/, "").replace(/\/+$/, "");
}

/**
 * Paths under `root` (relative, "/"-separated) that match `pattern`, at most `limit` (walk order).
 * Symlinks match as entries and are never followed; `.git` is never entered. A pattern whose base
 * leaves `root` (`../x`) matches nothing.
 */
export function globMatches(root: string, pattern: string, limit = 1): string[] {
  const glob = normalise(pattern);
  if (!glob) return [];
  const isMatch = picomatch()(glob, OPTIONS);
  const { base, isGlob } = picomatch().scan(glob);
  const start = join(root, base);
  const rel = relative(root, start);
  if (rel.startsWith("..") || isAbsolute(rel)) return [];
  const found: string[] = [];
  if (!isGlob) return existsNoFollow(join(root, glob)) ? [glob] : [];
  const walk = (dir: string, prefix: string): void => {
    for (const entry of entries(dir)) {
      if (found.length >= limit) return;
      if (entry.name === ".git") continue;
      const path = prefix ? `${prefix}/${entry.name}` : entry.name;
      if (isMatch(path)) found.push(path);
      // Dirent.isDirectory() is false for a symlink to a directory: symlinks are never descended.
      if (entry.isDirectory()) walk(join(dir, entry.name), path);
    }
  };
  walk(start, rel);
  return found.slice(0, limit);
}

function existsNoFollow(path: string): boolean {
  try {
    lstatSync(path);
    return true;
  } catch {
    return false;
  }
}

function entries(dir: string): Dirent[] {
  try {
    return readdirSync(dir, { withFileTypes: true });
  } catch {
    return [];
  }
}

/**
 * A matcher for `disposable` patterns, with gitignore's placement rules: a pattern without an inner
 * "/" (`node_modules/`, `*.egg-info/`, `{dist,build}/`) matches a path component at any depth; one
 * with an inner or leading "/" (`web/dist/`, `/build/`) matches from the worktree's top. Everything
 * under a matching directory matches. `path` is as git prints it (a directory may end in "/").
 */
export function disposableMatcher(patterns: readonly string[]): (path: string) => boolean {
  const globs = patterns.flatMap((raw) => {
    const anchored = raw.replace(/\/+$/, "").includes("/");
    const body = normalise(raw);
    if (!body) return [];
    const at = anchored ? body : `**/${body}`;
    return [at, `${at}/**`];
  });
  if (globs.length === 0) return () => false;
  const isMatch = picomatch()(globs, OPTIONS);
  return (path) => isMatch(path.replace(/\/+$/, ""));
}
