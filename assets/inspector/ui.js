// @ts-check
// Grove inspector: small DOM helpers shared by the views. Text only: every string from config or output
// goes through textContent or setAttribute, never innerHTML.
(() => {
  "use strict";
  window.Grove ??= /** @type {GroveNamespace} */ ({});
  const G = window.Grove;
  const SVG = "http://www.w3.org/2000/svg";
  G.$ = /** @type {GroveNamespace["$"]} */ ((id) => document.getElementById(id));
  /** An element ("svg:rect" for SVG) with attributes and text content. */
  G.el = /** @type {GroveNamespace["el"]} */ (
    (/** @type {string} */ tag, /** @type {Record<string, unknown>} */ attrs = {}, /** @type {unknown} */ text) => {
      const e = tag.startsWith("svg:") ? document.createElementNS(SVG, tag.slice(4)) : document.createElement(tag);
      for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, String(v));
      if (text !== undefined) e.textContent = String(text);
      return e;
    }
  );
  G.stripAnsi = (s) => String(s ?? "").replace(/\u001b\[[0-9;?]*[ -/]*[@-~]/g, "").replace(/[\u0000-\u0008\u000b-\u001f\u007f]/g, "");
  /** Sets text only when it differs: an unchanged write still invalidates layout. */
  G.setText = (node, text) => {
    if (node.textContent !== text) node.textContent = text;
  };
  G.clip = (s, n) => (s.length > n ? `${s.slice(0, n - 1)}…` : s);
  G.seconds = (ms) => `${(ms / 1000).toFixed(ms < 10_000 ? 2 : 1)}s`;
  /** Enter and Space act as a click on a focusable element that is not a button. */
  G.activate = (node, fn) => {
    node.addEventListener("click", fn);
    node.addEventListener("keydown", (e) => {
      if (e instanceof KeyboardEvent && (e.key === "Enter" || e.key === " ")) {
        e.preventDefault();
        fn(e);
      }
    });
  };
  G.views = {};
})();
