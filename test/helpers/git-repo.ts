/** Real git repositories in temp dirs (like changesets' gitdir): main branch, identity set, no signing, no gc. */
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { execa } from "execa";
import { tempDir } from "./temp-dir.js";

export async function sh(cwd: string, ...args: string[]): Promise<string> {
  const r = await execa("git", args, { cwd, stdin: "ignore" });
  return String(r.stdout).trim();
}

export async function makeRepo(
  files: Record<string, string> = { "README.md": "hello\n" },
): Promise<{ root: string; main: string; base: string }> {
  const root = tempDir("grove-git-");
  const main = join(root, "repo");
  mkdirSync(main);
  await sh(main, "init", "-q", "-b", "main");
  for (const [k, v] of [
    ["user.name", "Test"],
    ["user.email", "test@grove.invalid"],
    ["commit.gpgSign", "false"],
    ["gc.auto", "0"],
  ])
    await sh(main, "config", k!, v!);
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(main, path)), { recursive: true });
    writeFileSync(join(main, path), text);
  }
  await sh(main, "add", "-A");
  await sh(main, "commit", "-qm", "initial");
  return { root, main, base: join(root, "repo-worktrees") };
}
