/** Request and response shapes of exports. */
import { z } from "@hono/zod-openapi";
import { OperatorsSchema } from "./pii";

export const StartExportSchema = z
  .object({
    format: z.enum(["ndjson", "csv", "parquet"]).openapi({
      description:
        "`ndjson`: canonical JSON per line; `csv`: RFC 4180 with a header row of `fields`; `parquet`: a column per top-level field (up to 64 MiB of records)",
    }),
    view: z.enum(["stored", "anonymized"]).default("stored").openapi({
      description:
        "`stored`: records as stored; `anonymized`: PII replaced by `operators` (defaults as POST /anonymize)",
    }),
    fields: z
      .array(z.string().min(1).max(200))
      .min(1)
      .max(1000)
      .optional()
      .openapi({ description: "Top-level fields to keep, in this order for CSV" }),
    operators: OperatorsSchema.optional(),
  })
  .strict()
  .openapi("StartExport");

export type StartExport = z.infer<typeof StartExportSchema>;

export const ManifestSchema = z
  .object({
    export_id: z.string(),
    dataset_id: z.string(),
    dataset_version: z.number().nullable(),
    through_seq: z.number().nullable(),
    format: z.string(),
    view: z.string(),
    fields: z.array(z.string()).nullable(),
    record_count: z.number(),
    bytes: z.number(),
    hash_algorithm: z.literal("sha256"),
    root_hash: z.string(),
    root_hash_of: z.string(),
    schema: z.unknown(),
    pii_policy: z.unknown(),
    exported_at: z.string(),
  })
  .openapi("ExportManifest");

export const ExportSchema = z
  .object({
    id: z.string(),
    dataset_id: z.string(),
    format: z.enum(["ndjson", "csv", "parquet"]),
    view: z.enum(["stored", "anonymized"]),
    fields: z.array(z.string()).nullable(),
    job_id: z.string().nullable(),
    status: z.enum(["queued", "running", "succeeded", "failed", "partially_failed", "cancelled"]),
    bytes: z.number().nullable(),
    manifest: ManifestSchema.nullable().openapi({
      description: "Without the per-record hashes (GET …/manifest has them); null until written",
    }),
    created_by: z.string(),
    created_at: z.string(),
  })
  .openapi("Export");

export type ExportView = z.infer<typeof ExportSchema>;

export const SignedUrlSchema = z.object({ url: z.string(), expires_at: z.string() }).openapi("SignedUrl");
