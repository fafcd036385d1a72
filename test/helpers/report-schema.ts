/** Validates a report against schemas/report.schema.json with the same ajv setup Grove uses. */
import { schemaValidator } from "../../src/config/schema-validator.js";

export function reportSchemaErrors(report: unknown): string[] {
  const validate = schemaValidator("report");
  return validate(report) ? [] : (validate.errors ?? []).map((e) => `${e.instancePath} ${e.message}`);
}
