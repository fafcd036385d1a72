import fc from "fast-check";
import { afterEach, describe, expect, it } from "vitest";
import { timestamp } from "../../src/events.js";

/** The oracle: each time formatted in full, as timestamp() did before it cached the second. */
function formattedInFull(date: Date): string {
  const offsetMinutes = -date.getTimezoneOffset();
  const sign = offsetMinutes >= 0 ? "+" : "-";
  const abs = Math.abs(offsetMinutes);
  const local = new Date(date.getTime() + offsetMinutes * 60_000).toISOString().slice(0, -1);
  return `${local}${sign}${String(Math.floor(abs / 60)).padStart(2, "0")}:${String(abs % 60).padStart(2, "0")}`;
}

const zone = process.env.TZ;
afterEach(() => {
  if (zone === undefined) delete process.env.TZ;
  else process.env.TZ = zone;
});

describe("timestamp", () => {
  // Zones with half-hour offsets and daylight saving (Node rereads TZ when it is set).
  for (const tz of ["UTC", "America/St_Johns", "Europe/Berlin", "Australia/Lord_Howe", "Asia/Kolkata"]) {
    it(`matches formatting in full in ${tz}, for runs of nearby times and far jumps`, () => {
      process.env.TZ = tz;
      // timestamp() caches the last second it formatted; a process's zone never changes, this
      // test's does: stamp a second outside the property's range, so no other zone's text is reused.
      timestamp(new Date(-1_000));
      fc.assert(
        fc.property(
          fc.integer({ min: 0, max: 4_102_444_800_000 }),
          fc.array(fc.integer({ min: -3_600_000, max: 3_600_000 }), { maxLength: 20 }),
          (start, steps) => {
            let at = start;
            for (const step of [0, ...steps]) {
              at = Math.max(0, at + step);
              expect(timestamp(new Date(at))).toBe(formattedInFull(new Date(at)));
            }
          },
        ),
        { numRuns: 300 },
      );
    });
  }

  it("crosses a daylight-saving change second by second", () => {
    process.env.TZ = "Europe/Berlin";
    // 2026-03-29 01:00 UTC: Berlin goes from +01:00 to +02:00.
    const change = Date.UTC(2026, 2, 29, 1, 0, 0);
    for (let at = change - 3_000; at <= change + 3_000; at += 250)
      expect(timestamp(new Date(at))).toBe(formattedInFull(new Date(at)));
    expect(timestamp(new Date(change - 1))).toMatch(/\+01:00$/);
    expect(timestamp(new Date(change))).toMatch(/\+02:00$/);
  });

  it("stamps now when given no date", () => {
    const before = Date.now();
    const stamped = Date.parse(timestamp());
    expect(stamped).toBeGreaterThanOrEqual(before);
    expect(stamped).toBeLessThanOrEqual(Date.now());
  });
});
