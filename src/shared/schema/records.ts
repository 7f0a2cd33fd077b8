/** Records: the request and response bodies of the records API and POST /validate. */
import { z } from "@hono/zod-openapi";
import { ID_PATTERN } from "../ids";
import { exactlyOneOf } from "./common";
import { JsonSchemaDocument } from "./datasets";
import { MAX_BATCH_RECORDS } from "../records/limits";

// z.custom passes the parsed value through untouched: z.record would copy it and silently
// drop a "__proto__" key (JSON.parse keeps it as an ordinary own property).
export const RecordDataSchema = z
  .custom<Record<string, unknown>>((v) => v !== null && typeof v === "object" && !Array.isArray(v), {
    message: "A record's data must be a JSON object.",
  })
  .openapi({
    description: "The record: a JSON object, at most 1 MiB as canonical JSON.",
    type: "object",
    additionalProperties: true,
    example: { prompt: "Hello", completion: "Hi!" },
  });

export const WriteRecordSchema = z.object({ data: RecordDataSchema }).strict().openapi("WriteRecord");

export const BatchWriteSchema = z
  .object({ records: z.array(WriteRecordSchema).min(1).max(MAX_BATCH_RECORDS) })
  .strict()
  .openapi("BatchWriteRecords");

export const CreatedRecordSchema = z
  .object({
    id: z.string().openapi({ example: "rec_01JD0Z5W3K8Q4V2M7N6P5R4S3T" }),
    seq: z
      .number()
      .int()
      .openapi({ description: "Position in the dataset: strictly increasing, no gaps between successful writes." }),
    version: z.number().int(),
    created_at: z.string(),
  })
  .openapi("CreatedRecord");

export const BatchCreatedSchema = z.object({ items: z.array(CreatedRecordSchema) }).openapi("BatchCreatedRecords");

export const RecordMetaSchema = CreatedRecordSchema.extend({
  updated_at: z.string(),
  size: z.number().int().openapi({ description: "Bytes of the record's canonical JSON (RFC 8785)." }),
  sha256: z.string().openapi({ description: "SHA-256 of the canonical JSON, hex." }),
}).openapi("RecordMeta");

export const RecordSchema = RecordMetaSchema.extend({ data: RecordDataSchema }).openapi("Record");

export const ValidateRequestSchema = z
  .object({
    schema: JsonSchemaDocument.optional().openapi({
      description: "A JSON Schema (draft 2020-12) to validate against: an object, or true / false.",
    }),
    dataset_id: z
      .string()
      .regex(ID_PATTERN, "not a valid id")
      .optional()
      .openapi({ description: "Validate against this dataset's schema instead." }),
    records: z
      .array(z.unknown())
      .min(1)
      .max(MAX_BATCH_RECORDS)
      .openapi({ description: "Record data values (not wrapped in {data})." }),
  })
  .strict()
  .refine((v) => (v.schema === undefined) !== (v.dataset_id === undefined), {
    message: "Send exactly one of `schema` and `dataset_id`.",
    path: ["schema"],
  })
  .openapi("ValidateRequest", { oneOf: exactlyOneOf("schema", "dataset_id") });

const FieldErrorSchema = z.object({ path: z.string(), message: z.string() });

export const ValidateResponseSchema = z
  .object({
    valid: z.boolean(),
    results: z.array(z.object({ index: z.number().int(), valid: z.boolean(), errors: z.array(FieldErrorSchema) })),
  })
  .openapi("ValidateResult");

export const RotatedKeySchema = z
  .object({
    dataset_id: z.string(),
    key_version: z.number().int(),
    created_at: z.string(),
    search_rebuild_job_id: z
      .string()
      .optional()
      .openapi({ description: "The job re-indexing the dataset under the new search key, when search is on" }),
  })
  .openapi("RotatedDatasetKey");

export const ReportJobSchema = z
  .object({ job_id: z.string(), status: z.literal("queued"), created_at: z.string() })
  .openapi("ValidationReportJob");

export const ValidationReportSchema = z
  .object({
    job_id: z.string(),
    status: z.enum(["running", "complete"]),
    checked: z.number().int(),
    invalid: z.number().int(),
    started_at: z.string(),
    finished_at: z.string().nullable(),
    items: z.array(z.object({ record_id: z.string(), seq: z.number().int(), errors: z.array(FieldErrorSchema) })),
    next_cursor: z.string().nullable(),
  })
  .openapi("ValidationReport");

export const RewrapResultSchema = z
  .object({
    tenant_id: z.string(),
    master_version: z.number().int(),
    rewrapped: z.number().int(),
    kek_versions: z.number().int(),
  })
  .openapi("KekRewrapResult");
