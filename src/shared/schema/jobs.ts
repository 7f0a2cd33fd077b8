/** Bulk jobs run by the queue consumer over a dataset. */
import { z } from "@hono/zod-openapi";

export const JobStatusSchema = z.enum(["queued", "running", "succeeded", "failed", "cancelled"]);

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
