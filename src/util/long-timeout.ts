/**
 * setTimeout for any delay. Node's timer holds at most 2^31-1 ms (24.8 days) and fires a longer delay
 * after 1 ms instead, with only a warning; this one re-arms until the whole delay has passed. A
 * non-finite or huge delay never fires; a negative or NaN one fires at once, as setTimeout's does.
 */

/** The longest delay one Node timer can hold. */
const MAX_TIMER_MS = 2 ** 31 - 1;

/** A timer that can be cleared; clearing twice is harmless. */
export interface LongTimeout {
  clear(): void;
}

/** Calls `fn` once after `ms` milliseconds (measured on Date.now()), however large `ms` is. */
export function setLongTimeout(fn: () => void, ms: number): LongTimeout {
  const due = Date.now() + (Number.isNaN(ms) ? 0 : Math.max(0, ms));
  let timer: NodeJS.Timeout | undefined;
  const arm = () => {
    const left = due - Date.now();
    if (left === Number.POSITIVE_INFINITY) return;
    timer = setTimeout(left > MAX_TIMER_MS ? arm : fn, Math.min(Math.max(0, left), MAX_TIMER_MS));
  };
  arm();
  return {
    clear: () => {
      if (timer !== undefined) clearTimeout(timer);
      timer = undefined;
    },
  };
}
