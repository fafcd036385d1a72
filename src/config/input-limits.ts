/**
 * The documented limits on what Grove reads (README "Limits"). A file past one of them is refused at
 * once with a located message, before anything recurses over it or spends time on it.
 */

/** Largest scenarios file read: 64 MiB (a 10,000-scenario file is about 2 MB; 100,000 with descriptions and tags, 18 MB). */
export const MAX_CONFIG_BYTES = 64 * 1024 * 1024;

/**
 * Largest pipeline read: 1 MiB. A pipeline is written by hand (the built-in one is 1 KB); YAML parses
 * at about 3 MB/s here, so a larger one could not be accepted or refused in about a second.
 */
export const MAX_PIPELINE_BYTES = 1024 * 1024;

/**
 * Deepest nesting of arrays and objects (mappings and sequences in YAML). Grove's formats need 6; the
 * limit keeps every later walk (parser, schema, rules) far from the stack's end.
 */
export const MAX_NESTING_DEPTH = 64;
