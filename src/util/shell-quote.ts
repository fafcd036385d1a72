/**
 * A command's argv shown as one line that a POSIX shell (bash for control characters) reads back as
 * the same argv, so the `$ ...` line under a failure can be copied and run: `a b` as one argument is
 * shown `'a b'`, not as two words. Control characters are shown as `$'\x1b'` escapes, never written
 * raw to the terminal. Only for display: Grove itself never runs a command through a shell unless the
 * pipeline says `shell:`. Hand-written (a dozen lines) rather than a dependency for one display rule.
 * Imports nothing from the app.
 */

const SAFE = /^[A-Za-z0-9_@%+=:,./-]+$/;
const CONTROL = /[\u0000-\u001f\u007f]/;

/** One argument quoted for a shell where it needs it; unchanged when it is only safe characters. */
export function shellQuote(arg: string): string {
  if (SAFE.test(arg)) return arg;
  if (!CONTROL.test(arg)) return `'${arg.replaceAll("'", "'\\''")}'`;
  const body = arg.replace(/[\\'\u0000-\u001f\u007f]/g, (c) =>
    c === "\\" || c === "'" ? `\\${c}` : `\\x${c.charCodeAt(0).toString(16).padStart(2, "0")}`,
  );
  return `$'${body}'`;
}

/** A whole argv as one command line (see shellQuote). */
export function shellCommandLine(argv: readonly string[]): string {
  return argv.map(shellQuote).join(" ");
}
