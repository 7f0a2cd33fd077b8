/** POST /validate: checks records against a schema (given, or a dataset's) without storing anything. */
import { getDatasetRow } from "../datasets/service";
import { validationFailed, type FieldError } from "../errors";
import { checkJsonSchema } from "../json-schema/check-schema";
import { SchemaRegexBudget } from "../json-schema/linear-regex";
import { canonicalJson, utf8 } from "./canonical";
import { MAX_RECORD_BYTES } from "./limits";
import { schemaErrors, shapeErrors, validatorFor } from "./validate";

export interface DryRunInput {
  schema?: unknown;
  dataset_id?: string;
  records: unknown[];
}

export interface DryRunResult {
  valid: boolean;
  results: { index: number; valid: boolean; errors: FieldError[] }[];
}

/**
 * Validates each record as a write would (object shape, size, schema) and
 * reports per record, with paths relative to the record (`$` is the record itself).
 * The dataset's PII policy, which runs on writes, is not applied here.
 */
export async function dryRunValidate(d1: D1Database, tenantId: string, input: DryRunInput): Promise<DryRunResult> {
  let schemaText: string | null;
  if (input.schema !== undefined) {
    const errors = checkJsonSchema(input.schema);
    if (errors.length) throw validationFailed(errors, "The schema is not a valid JSON Schema (draft 2020-12).");
    schemaText = JSON.stringify(input.schema);
  } else {
    schemaText = (await getDatasetRow(d1, tenantId, input.dataset_id!)).schema;
  }
  const validator = schemaText === null ? null : validatorFor(schemaText);
  const budget = new SchemaRegexBudget();
  const results = input.records.map((value, index) => {
    let errors = shapeErrors(value, "$");
    if (!errors.length) {
      const size = utf8(canonicalJson(value)).byteLength;
      if (size > MAX_RECORD_BYTES)
        errors = [
          { path: "$", message: `The record is ${size} bytes as canonical JSON; the limit is ${MAX_RECORD_BYTES}.` },
        ];
    }
    if (!errors.length && validator) errors = schemaErrors(validator, value, "$", budget);
    return { index, valid: errors.length === 0, errors };
  });
  return { valid: results.every((r) => r.valid), results };
}
