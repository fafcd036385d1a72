// @ts-check
// Grove inspector: reads the recording's lines, version 2 (ids for repeated values, times relative to
// a header's t0; the format is described in src/inspector/recording-format.ts, whose decodeRecording
// this mirrors for Node, but for Grove events' `at`, which the page does not read) or version 1 (one
// object per line), into the one shape fold.js folds.
// Stateful: lines must come in the order they were recorded. Not responsible for folding them.
(() => {
  "use strict";
  window.Grove ??= /** @type {GroveNamespace} */ ({});
  const G = window.Grove;
  const VERSION = 2;

  /**
   * A decoder: call it with each parsed line in order; it returns the line as fold.js takes it
   * ({t, k, ...}), or null for a line that only defines something.
   * @returns {(raw: unknown) => GroveLine | null}
   */
  G.createDecoder = () => {
    /** @type {number | null} */
    let t0 = null;
    let first = true;
    /** @type {unknown[]} */
    const ids = [];
    /** @type {Map<string, GroveScenarioResult["attempts"]>} */
    const attempts = new Map();
    /** @param {unknown} n */
    const id = (n) => ids[/** @type {number} */ (n)];
    /** An id that names a string (an actor, an event type, a status). @param {unknown} n */
    const name = (n) => /** @type {string} */ (id(n));
    return (raw) => {
      if (first) {
        first = false;
        const h = /** @type {{recording?: string, version?: number, t0?: number}} */ (raw);
        if (h && !Array.isArray(h) && h.recording === "grove") {
          if (typeof h.version !== "number" || h.version > VERSION || typeof h.t0 !== "number")
            throw new Error(`the recording is version ${h.version}; this page reads versions 1 to ${VERSION}`);
          t0 = h.t0;
          return null;
        }
      }
      // Version 1: the line is already in the folded shape.
      if (t0 === null || !Array.isArray(raw)) return /** @type {GroveLine} */ (raw);
      if (raw[0] === "=") {
        ids.push(raw[1]);
        return null;
      }
      const t = t0 + raw[0];
      switch (raw[1]) {
        case "a":
          return { t, k: "actor", a: name(raw[2]) };
        case "e":
          return { t, k: "event", a: name(raw[2]), ev: name(raw[3]) };
        case "s":
          return {
            t,
            k: "state",
            a: name(raw[2]),
            v: id(raw[3]),
            s: raw[5] === undefined ? "active" : name(raw[5]),
            x: raw[4] ? /** @type {unknown[]} */ (raw[4]).map(name) : null,
          };
        case "g": {
          // Without `at` (the page reads t; a date per event is ~10% of folding 10,000 scenarios).
          const e = /** @type {GroveEvent} */ (raw[2]);
          if (e.type === "attempt-finished") {
            const list = attempts.get(e.name) ?? [];
            list.push(e.result);
            attempts.set(e.name, list);
          } else if (e.type === "scenario-finished" && /** @type {unknown} */ (e.result.attempts) === "=") {
            e.result = { ...e.result, attempts: attempts.get(e.result.name) ?? [] };
            attempts.delete(e.result.name);
          }
          return { t, k: "grove", e };
        }
        default:
          return null;
      }
    };
  };
})();
