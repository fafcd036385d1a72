/** The ajv options and schema names shared by the runtime validator and the build's precompiled one. */
export const SCHEMA_NAMES = ["scenarios", "pipeline", "report"] as const;

export type SchemaName = (typeof SCHEMA_NAMES)[number];

export const AJV_OPTIONS = {
  allErrors: true,
  verbose: true,
  strict: true,
  strictRequired: false,
  allowUnionTypes: true,
} as const;
