/** Bulk jobs run by the queue consumer over a dataset. */
import { z } from "@hono/zod-openapi";

export const JobStatusSchema = z.enum(["queued", "running", "succeeded", "failed", "partially_failed", "cancelled"]);

export const JobSchema = z
  .object({
    id: z.string(),
    kind: z.string(),
    dataset_id: z.string().nullable(),
    status: JobStatusSchema,
    params: z.record(z.string(), z.unknown()),
    progress: z.record(z.string(), z.number()),
    error: z.string().nullable(),
    created_by: z.string(),
    created_at: z.string(),
    updated_at: z.string(),
    finished_at: z.string().nullable(),
  })
  .openapi("Job");

export type Job = z.infer<typeof JobSchema>;

export const JobErrorSchema = z
  .object({
    line: z.number().int().openapi({
      description:
        "1-based line (NDJSON, CSV: physical line where the record starts; Parquet: row number); for a dataset job (pii-scan, anonymize), the record's seq",
    }),
    path: z.string().openapi({ description: "JSON path of the field at fault, `$` for the whole line" }),
    reason: z.string().openapi({ description: "Why, without the value (a dataset job names the record id)" }),
  })
  .openapi("JobError");

export const JobDetailSchema = JobSchema.extend({
  totals: z.object({ items: z.number().nullable(), bytes: z.number().nullable() }),
  records_per_second: z.number().nullable(),
  eta_seconds: z.number().nullable(),
  ranges: z.array(
    z.object({
      range: z.number().int(),
      status: z.enum(["pending", "running", "done", "failed"]),
      counters: z.record(z.string(), z.number()),
      attempts: z.number().int(),
      error: z.string().nullable(),
    }),
  ),
  first_errors: z.array(JobErrorSchema),
}).openapi("JobDetail");

export type JobDetail = z.infer<typeof JobDetailSchema>;
