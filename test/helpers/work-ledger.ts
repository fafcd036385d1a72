/**
 * An independent oracle for "cleanup lost nothing": before cleanup, record every byte and commit a set
 * of worktrees holds (files outside disposable directories, index blobs, commits reachable from each
 * HEAD, every ref and every stash entry, nested repositories' commits no remote holds); afterwards,
 * count what is no longer anywhere: neither in a remaining worktree nor reachable in the object store.
 * Blob ids are computed here (sha1 of "blob <size>\0<content>"), not asked of the code under test.
 */
import { createHash } from "node:crypto";
import { existsSync, lstatSync, readdirSync, readFileSync, readlinkSync } from "node:fs";
import { join } from "node:path";
import { execa } from "execa";

async function git(cwd: string, ...args: string[]): Promise<{ ok: boolean; out: string }> {
  const r = await execa("git", args, { cwd, reject: false, stdin: "ignore" });
  return { ok: r.exitCode === 0, out: String(r.stdout).trimEnd() };
}

const blobId = (content: Buffer) =>
  createHash("sha1").update(`blob ${content.length}\0`).update(content).digest("hex");

export interface Ledger {
  /** Where a content was (a file, an index entry) -> its blob id and size. */
  blobs: Map<string, { oid: string; bytes: number }>;
  commits: Set<string>;
  /** Nested repositories: the commits no remote of theirs holds, their changed and untracked files. */
  nested: { dir: string; commits: string[]; dirty: { rel: string; oid: string; bytes: number }[] }[];
}

/** Files of a worktree (not .git, not under `skip`), symlinks as their target text, never followed. */
function files(root: string, skip: (rel: string) => boolean): { rel: string; content: Buffer }[] {
  const out: { rel: string; content: Buffer }[] = [];
  const walk = (rel: string) => {
    for (const e of readdirSync(join(root, rel), { withFileTypes: true })) {
      const r = rel ? `${rel}/${e.name}` : e.name;
      if (e.name === ".git" || skip(r)) continue;
      const full = join(root, r);
      if (e.isSymbolicLink()) out.push({ rel: r, content: Buffer.from(readlinkSync(full)) });
      else if (e.isDirectory()) walk(r);
      else if (e.isFile()) out.push({ rel: r, content: readFileSync(full) });
    }
  };
  walk("");
  return out;
}

async function stashCommits(main: string): Promise<string[]> {
  const r = await git(main, "stash", "list", "--format=%H");
  return r.out ? r.out.split("\n") : [];
}

/** Nested repositories in a worktree: directories below the top that hold a `.git`. */
function nestedRepos(root: string): string[] {
  const out: string[] = [];
  const walk = (rel: string) => {
    for (const e of readdirSync(join(root, rel), { withFileTypes: true })) {
      if (!e.isDirectory() || e.name === ".git") continue;
      const r = rel ? `${rel}/${e.name}` : e.name;
      if (existsSync(join(root, r, ".git"))) out.push(r);
      else walk(r);
    }
  };
  walk("");
  return out;
}

/** Everything the worktrees (and the repository's refs and stashes) hold right now. */
export async function takeLedger(
  main: string,
  worktrees: readonly string[],
  isDisposable: (rel: string) => boolean,
): Promise<Ledger> {
  const ledger: Ledger = { blobs: new Map(), commits: new Set(), nested: [] };
  const all = await git(main, "rev-list", "--all", ...(await stashCommits(main)));
  for (const c of all.out.split("\n").filter(Boolean)) ledger.commits.add(c);
  for (const wt of worktrees) {
    if (!existsSync(wt)) continue;
    const head = await git(wt, "rev-list", "HEAD");
    if (head.ok) for (const c of head.out.split("\n").filter(Boolean)) ledger.commits.add(c);
    const nested = nestedRepos(wt);
    const skip = (rel: string) => isDisposable(rel) || nested.includes(rel);
    for (const f of files(wt, skip))
      ledger.blobs.set(`${wt}/${f.rel}`, { oid: blobId(f.content), bytes: f.content.length });
    const index = await git(wt, "ls-files", "-s");
    for (const line of index.out.split("\n").filter(Boolean)) {
      const [mode, oid] = line.split(" ");
      if (mode === "160000" || !oid) continue;
      const size = await git(wt, "cat-file", "-s", oid);
      ledger.blobs.set(`${wt} index: ${line.slice(line.indexOf("\t") + 1)}`, {
        oid,
        bytes: Number(size.out),
      });
    }
    for (const dir of nested) {
      const full = join(wt, dir);
      const own = await git(full, "rev-list", "--all", "--not", "--remotes");
      const status = await git(full, "status", "--porcelain", "-uall", "--no-renames");
      const dirty = status.out
        .split("\n")
        .filter(Boolean)
        .map((l) => l.slice(3))
        .filter((rel) => existsSync(join(full, rel)) && lstatSync(join(full, rel)).isFile())
        .map((rel) => {
          const content = readFileSync(join(full, rel));
          return { rel, oid: blobId(content), bytes: content.length };
        });
      ledger.nested.push({ dir: full, commits: own.out.split("\n").filter(Boolean), dirty });
    }
  }
  return ledger;
}

export interface Loss {
  bytes: number;
  commits: number;
  what: string[];
}

/** What `before` held that exists nowhere now. */
export async function measureLoss(
  main: string,
  worktrees: readonly string[],
  isDisposable: (rel: string) => boolean,
  before: Ledger,
): Promise<Loss> {
  const stashes = await stashCommits(main);
  const commits = new Set((await git(main, "rev-list", "--all", ...stashes)).out.split("\n"));
  const objects = new Set(
    (await git(main, "rev-list", "--objects", "--all", ...stashes)).out
      .split("\n")
      .map((l) => l.split(" ")[0]),
  );
  const now = await takeLedger(main, worktrees.filter(existsSync), isDisposable);
  const present = new Set([...now.blobs.values()].map((b) => b.oid));
  const loss: Loss = { bytes: 0, commits: 0, what: [] };
  for (const [where, b] of before.blobs)
    if (!objects.has(b.oid) && !present.has(b.oid)) {
      loss.bytes += b.bytes;
      loss.what.push(`${b.bytes} bytes of ${where}`);
    }
  for (const c of before.commits)
    if (!commits.has(c)) {
      loss.commits++;
      loss.what.push(`commit ${c}`);
    }
  for (const n of before.nested) {
    const there = existsSync(join(n.dir, ".git"));
    for (const c of n.commits)
      if (!there || !(await git(n.dir, "cat-file", "-e", c)).ok) {
        loss.commits++;
        loss.what.push(`commit ${c} of ${n.dir}`);
      }
    for (const f of n.dirty) {
      const path = join(n.dir, f.rel);
      if (existsSync(path) && blobId(readFileSync(path)) === f.oid) continue;
      loss.bytes += f.bytes;
      loss.what.push(`${f.bytes} bytes of ${path}`);
    }
  }
  return loss;
}
