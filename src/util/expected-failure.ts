/**
 * Runs a call whose failure is an expected answer, not a problem (kill(pid, 0) on a group that is gone,
 * reading /proc/<pid>/stat of a process that exited), with V8's stack traces off while it runs. The
 * error is still thrown and has its code and message; capturing the stack it would not need is most of
 * its cost (process.kill of a missing group: ~20 us with the stack, ~4 us without, measured here), and
 * a run makes one such call per command.
 */
export function withoutStackTrace<T>(call: () => T): T {
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = 0;
  try {
    return call();
  } finally {
    Error.stackTraceLimit = limit;
  }
}
