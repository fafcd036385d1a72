import { mkdirSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { disposableMatcher, globMatches } from "../../../src/util/glob-match.js";
import { tempDir } from "../../helpers/temp-dir.js";

function tree(files: readonly string[]): string {
  const root = tempDir("grove-glob-");
  for (const f of files) {
    mkdirSync(join(root, f, ".."), { recursive: true });
    writeFileSync(join(root, f), f);
  }
  return root;
}

describe("globMatches", () => {
  it("matches *, ?, **, [...] and {a,b}", () => {
    const root = tree([
      "build/a.so",
      "build/b.txt",
      "lib/x/y/z.so",
      "web/dist/i.js",
      "docs/v2.md",
      ".hidden/h.so",
    ]);
    const all = (p: string) => globMatches(root, p, 100).sort();
    expect(all("build/*.so")).toEqual(["build/a.so"]);
    expect(all("build/?.txt")).toEqual(["build/b.txt"]);
    expect(all("**/*.so")).toEqual([".hidden/h.so", "build/a.so", "lib/x/y/z.so"]);
    expect(all("docs/v[0-9].md")).toEqual(["docs/v2.md"]);
    expect(all("{build,web}/**/*.{so,js}")).toEqual(["build/a.so", "web/dist/i.js"]);
    expect(all("build/*.dll")).toEqual([]);
  });

  it("stops at the limit", () => {
    const root = tree(["a/1.so", "a/2.so", "a/3.so"]);
    expect(globMatches(root, "a/*.so")).toHaveLength(1);
    expect(globMatches(root, "a/*.so", 2)).toHaveLength(2);
  });

  it("answers a literal path, including a symlink, without walking", () => {
    const root = tree(["pkg/index.js"]);
    symlinkSync(join(root, "missing"), join(root, "dangling"));
    expect(globMatches(root, "pkg/index.js")).toEqual(["pkg/index.js"]);
    expect(globMatches(root, "./pkg/index.js/")).toEqual(["pkg/index.js"]);
    expect(globMatches(root, "dangling")).toEqual(["dangling"]);
    expect(globMatches(root, "pkg/none.js")).toEqual([]);
  });

  it("reports symlinks but never follows them, so a cycle ends the walk", () => {
    const root = tree(["src/a.ts", "real/deep/x.so"]);
    symlinkSync("..", join(root, "src", "up"));
    symlinkSync("real", join(root, "linked"));
    const all = (p: string) => globMatches(root, p, 10_000).sort();
    expect(all("**/*.so")).toEqual(["real/deep/x.so"]);
    expect(all("src/*")).toEqual(["src/a.ts", "src/up"]);
    expect(all("**/up/*")).toEqual([]);
    // The literal base of a pattern is resolved by the OS, as a `link` step's node_modules needs.
    expect(all("linked/deep/*.so")).toEqual(["linked/deep/x.so"]);
  });

  it("a pattern that matches nothing walks a tree of two symlink cycles to its end", () => {
    const root = tree(["src/a.ts", "build/deep/lib.so"]);
    symlinkSync("..", join(root, "src", "up"));
    symlinkSync("..", join(root, "build", "deep", "loop"));
    // Following either link would branch without end (src/up/build/deep/loop/src/up/...).
    expect(globMatches(root, "**/*.dll", 10)).toEqual([]);
    expect(globMatches(root, "**/loop/**/*.so", 10)).toEqual([]);
  });

  it("never enters .git and never leaves the root", () => {
    const root = tree([".git/objects/a.so", "sub/x.so"]);
    expect(globMatches(join(root, "sub"), "../.git/**/*.so")).toEqual([]);
    expect(globMatches(root, "**/*.so", 10)).toEqual(["sub/x.so"]);
  });
});

describe("disposableMatcher", () => {
  const is = disposableMatcher([
    "node_modules/",
    "*.egg-info/",
    "web/dist/",
    "/build/",
    "{.venv,venv}/",
    "cache[0-9]/",
  ]);

  it("matches a component at any depth when the pattern has no inner slash", () => {
    expect(is("node_modules/")).toBe(true);
    expect(is("pkg/node_modules/")).toBe(true);
    expect(is("pkg/node_modules/x/index.js")).toBe(true);
    expect(is("foo.egg-info/")).toBe(true);
    expect(is("src/foo.egg-info/PKG-INFO")).toBe(true);
    expect(is(".venv/")).toBe(true);
    expect(is("tools/venv/bin/python")).toBe(true);
    expect(is("cache7/")).toBe(true);
  });

  it("anchors a pattern with an inner or leading slash at the top", () => {
    expect(is("web/dist/")).toBe(true);
    expect(is("web/dist/app.js")).toBe(true);
    expect(is("other/web/dist/app.js")).toBe(false);
    expect(is("build/")).toBe(true);
    expect(is("pkg/build/")).toBe(false);
  });

  it("does not match what it does not name", () => {
    expect(is(".env")).toBe(false);
    expect(is("node_modules_backup/")).toBe(false);
    expect(is("data.db")).toBe(false);
    expect(is("cacheX/")).toBe(false);
    expect(disposableMatcher([])("anything")).toBe(false);
  });
});
