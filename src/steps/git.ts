/**
 * Native git through execa with argument arrays, never a shell, and never interactive: no editor, no
 * pager, no credential prompt. Callers put `--end-of-options` before refs from config or flags.
 */

/** execa is loaded on first use (~60 ms): a run that only checks its worktrees needs it late or never. */
let execaModule: typeof import("execa") | undefined;
async function loadExeca(): Promise<typeof import("execa")> {
  execaModule ??= await import("execa");
  return execaModule;
}

export interface GitResult {
  exitCode: number;
  stdout: string;
  stderr: string;
}

const NON_INTERACTIVE = {
  GIT_TERMINAL_PROMPT: "0",
  GIT_EDITOR: "true",
  GIT_SEQUENCE_EDITOR: "true",
  GIT_PAGER: "cat",
  GIT_MERGE_AUTOEDIT: "no",
  GIT_ASKPASS: "true",
  SSH_ASKPASS: "true",
  LC_ALL: "C",
};

export async function git(cwd: string, args: readonly string[]): Promise<GitResult> {
  const { execa } = await loadExeca();
  const r = await execa("git", args, {
    cwd,
    reject: false,
    stdin: "ignore",
    env: NON_INTERACTIVE,
    extendEnv: true,
  });
  return { exitCode: r.exitCode ?? -1, stdout: String(r.stdout).trim(), stderr: String(r.stderr).trim() };
}

/** Runs git and throws a readable error on failure. */
export async function gitOrThrow(cwd: string, args: readonly string[], what: string): Promise<string> {
  const r = await git(cwd, args);
  if (r.exitCode !== 0) throw new GitCommandError(what, args, r);
  return r.stdout;
}

export class GitCommandError extends Error {
  constructor(
    readonly what: string,
    readonly args: readonly string[],
    readonly result: GitResult,
  ) {
    super(
      `${what} failed: git ${args.join(" ")}: ${result.stderr || result.stdout || `exit ${result.exitCode}`}`,
    );
    this.name = "GitCommandError";
  }
}
