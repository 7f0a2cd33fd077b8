/** Datasets: the catalog entries that own records, a schema and a PII policy. */
import { z } from "@hono/zod-openapi";
import { PiiPolicySchema } from "./pii";
import { SearchSettingsSchema } from "./search";

export const DATASET_NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;

const JsonSchemaDocument = z
  .union([z.record(z.string(), z.unknown()), z.boolean()])
  .openapi({ description: "A JSON Schema (draft 2020-12) every record must match.", type: "object", additionalProperties: true });

export const CreateDatasetSchema = z
  .object({
    name: z.string().regex(DATASET_NAME_PATTERN, "1-128 characters of letters, digits, '.', '_' or '-', starting with a letter or digit"),
    description: z.string().max(2000).optional(),
    schema: JsonSchemaDocument.optional(),
    pii_policy: PiiPolicySchema.optional(),
    search: SearchSettingsSchema.optional(),
  })
  .strict()
  .openapi("CreateDataset");

export const UpdateDatasetSchema = z
  .object({
    name: z.string().regex(DATASET_NAME_PATTERN).optional(),
    description: z.string().max(2000).nullable().optional(),
    schema: JsonSchemaDocument.nullable().optional(),
    pii_policy: PiiPolicySchema.nullable().optional(),
    search: SearchSettingsSchema.nullable().optional(),
  })
  .strict()
  .openapi("UpdateDataset");

export const DatasetSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    description: z.string().nullable(),
    schema: z.unknown().nullable().openapi({ description: "The JSON Schema, or null" }),
    pii_policy: PiiPolicySchema.nullable().openapi({ description: "The PII policy applied to every record write, or null" }),
    search: SearchSettingsSchema.nullable().openapi({ description: "Full-text search settings, or null: not searchable" }),
    version: z.number().int().openapi({ description: "Metadata version; the ETag is derived from it." }),
    record_count: z.number().int(),
    bytes: z.number().int(),
    created_at: z.string(),
    updated_at: z.string(),
  })
  .openapi("Dataset");

export type CreateDataset = z.infer<typeof CreateDatasetSchema>;
export type UpdateDataset = z.infer<typeof UpdateDatasetSchema>;
export type Dataset = z.infer<typeof DatasetSchema>;
