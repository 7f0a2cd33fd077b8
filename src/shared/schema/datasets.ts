/** Datasets: the catalog entries that own records, a schema and a PII policy. */
import { z } from "@hono/zod-openapi";
import { PiiPolicySchema } from "./pii";
import { SearchSettingsSchema } from "./search";

export const DATASET_NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;

/** A JSON Schema document: an object or, as draft 2020-12 allows, `true` / `false`. */
export const JsonSchemaDocument = z.union([z.record(z.string(), z.unknown()), z.boolean()]).openapi({
  description:
    "A JSON Schema (draft 2020-12) every record must match: an object, or true (anything) / false (nothing).",
});

/**
 * The policy, or null for none. A union rather than .nullable(), which would make the shared
 * PiiPolicy component itself nullable in the document.
 */
const nullablePolicy = z.union([PiiPolicySchema, z.null()]);

export const CreateDatasetSchema = z
  .object({
    name: z
      .string()
      .regex(
        DATASET_NAME_PATTERN,
        "1-128 characters of letters, digits, '.', '_' or '-', starting with a letter or digit",
      ),
    description: z.string().max(2000).optional(),
    schema: z
      .union([JsonSchemaDocument, z.null()])
      .optional()
      .openapi({ description: "The records' JSON Schema; absent or null for free-form records." }),
    pii_policy: nullablePolicy
      .optional()
      .openapi({ description: "Applied to every record write; absent or null for none." }),
    search: SearchSettingsSchema.optional().openapi({ description: "Full-text search settings; absent for none." }),
  })
  .strict()
  .openapi("CreateDataset");

export const UpdateDatasetSchema = z
  .object({
    name: z.string().regex(DATASET_NAME_PATTERN).optional(),
    description: z.string().max(2000).nullable().optional(),
    schema: z
      .union([JsonSchemaDocument, z.null()])
      .optional()
      .openapi({ description: "A new JSON Schema, or null to drop it." }),
    pii_policy: nullablePolicy.optional().openapi({ description: "A new PII policy, or null to drop it." }),
    search: SearchSettingsSchema.nullable()
      .optional()
      .openapi({ description: "New search settings, or null to turn search off." }),
  })
  .strict()
  .openapi("UpdateDataset");

export const DatasetSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    description: z.string().nullable(),
    schema: z.unknown().nullable().openapi({ description: "The JSON Schema, or null" }),
    pii_policy: nullablePolicy.openapi({ description: "The PII policy applied to every record write, or null" }),
    search: SearchSettingsSchema.nullable().openapi({
      description: "Full-text search settings, or null: not searchable",
    }),
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
