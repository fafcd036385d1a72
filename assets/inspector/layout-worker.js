// @ts-check
// Grove inspector: graph layout off the page's thread. elkjs (layered, compound nodes) runs here, so a
// large graph never blocks the page. Served, it loads elk.bundled.js next to itself; in the offline
// report the page builds this worker from its inlined source with ELK already prepended.
// Messages in: { id, graph } (an ELK graph); out: { id, graph } laid out, or { id, error }.
/* global ELK, importScripts */
"use strict";
if (typeof ELK === "undefined") importScripts(`elk.bundled.js${self.location.search}`);
const elk = new ELK();
/** @param {MessageEvent<{ id: number, graph: { id: string } }>} m */
self.onmessage = async (m) => {
  const { id, graph } = m.data;
  try {
    self.postMessage({ id, graph: await elk.layout(graph) });
  } catch (error) {
    self.postMessage({ id, error: error instanceof Error ? error.message : String(error) });
  }
};
