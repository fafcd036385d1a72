// Types for the layout worker (layout-worker.js, checked by tsconfig.assets-worker.json with the Web
// Worker library, apart from the page's DOM scripts): the one part of elkjs it calls.

/** elkjs's ELK, loaded by importScripts (or prepended in the offline report). */
declare class ELK {
  layout<T extends { id: string }>(graph: T): Promise<T>;
}
