/** Read-only git questions answered by native git (argument arrays, never a shell). */
import { execa } from "execa";

/** The top level of the work tree containing `cwd`, or undefined outside a repository. */
export async function gitTopLevel(cwd: string): Promise<string | undefined> {
  const r = await execa("git", ["rev-parse", "--show-toplevel"], { cwd, reject: false, stdin: "ignore" });
  return r.exitCode === 0 ? r.stdout.trim() : undefined;
}
