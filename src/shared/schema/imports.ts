/** Request and response shapes of imports and exports. */
import { z } from "@hono/zod-openapi";
import { DEFAULT_PART_BYTES, MAX_IMPORT_BYTES, MAX_PARTS, MAX_REQUEST_BYTES, MIN_PART_BYTES } from "../imports/limits";

export const ImportFormatSchema = z.enum(["ndjson", "csv", "parquet"]);
export const OnErrorSchema = z.enum(["skip", "abort"]).openapi({
  description:
    "`skip`: import the valid lines and report the others; `abort`: any invalid line and nothing is imported",
});
const Delimiter = z
  .string()
  .min(1)
  .max(1)
  .refine((d) => d !== '"' && d !== "\n" && d !== "\r", "not a usable delimiter")
  .openapi({ description: "CSV field delimiter (one character, default `,`)" });

export const CreateImportSchema = z
  .object({
    format: ImportFormatSchema,
    on_error: OnErrorSchema.default("skip"),
    delimiter: Delimiter.optional(),
    part_size: z
      .number()
      .int()
      .min(MIN_PART_BYTES)
      .max(MAX_REQUEST_BYTES)
      .refine((n) => n % (1024 * 1024) === 0, "must be a whole number of MiB")
      .default(DEFAULT_PART_BYTES)
      .openapi({
        description: `Bytes of every part but the last (5-100 MiB, whole MiB; default 8 MiB). At most ${MAX_PARTS} parts and ${MAX_IMPORT_BYTES} bytes.`,
      }),
  })
  .strict()
  .openapi("CreateImport");

/** Query of a single-request import (the file is the body). */
export const SingleImportQuerySchema = z.object({
  on_error: OnErrorSchema.default("skip"),
  delimiter: Delimiter.optional(),
});

export const ImportSchema = z
  .object({
    id: z.string(),
    dataset_id: z.string(),
    format: ImportFormatSchema,
    on_error: OnErrorSchema,
    delimiter: z.string().optional(),
    status: z.enum(["uploading", "started", "aborted"]),
    part_size: z.number().int(),
    max_parts: z.number().int(),
    max_bytes: z.number().int(),
    bytes: z
      .number()
      .int()
      .nullable()
      .openapi({ description: "Plaintext bytes of the file once the upload is complete" }),
    parts: z
      .array(z.object({ part_number: z.number().int(), bytes: z.number().int() }))
      .openapi({ description: "Parts received so far (to resume an upload)" }),
    job_id: z.string().nullable(),
    created_at: z.string(),
  })
  .openapi("Import");

export type ImportView = z.infer<typeof ImportSchema>;

export const PartSchema = z.object({ part_number: z.number().int(), bytes: z.number().int() }).openapi("ImportPart");
