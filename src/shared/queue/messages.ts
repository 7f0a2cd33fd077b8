/** Messages on the jobs queue; the API worker produces them and the queue consumer runs them. */
import { z } from "zod";

/**
 * Run the next chunk of one range of a job, wherever that range stands (the job's ranges
 * in D1 say where): a copy delivered twice runs the same chunk and only one copy's effect
 * lands. Without `range` the message starts the job: it plans the ranges and sends one
 * message per range. `cursor` is informational (messages of older consumers carried it).
 */
export const JobChunkMessageSchema = z.object({
  type: z.literal("job.chunk"),
  job_id: z.string(),
  tenant_id: z.string(),
  cursor: z.string().nullable(),
  range: z.number().int().min(0).optional(),
});

/** Every range has finished (or failed): commit, discard or report the job's outcome. Idempotent. */
export const JobFinishMessageSchema = z.object({
  type: z.literal("job.finish"),
  job_id: z.string(),
  tenant_id: z.string(),
});

export const JobMessageSchema = z.discriminatedUnion("type", [JobChunkMessageSchema, JobFinishMessageSchema]);

export type JobMessage = z.infer<typeof JobMessageSchema>;
export type JobChunkMessage = z.infer<typeof JobChunkMessageSchema>;

/** The queue that receives chunks that failed their last attempt (see the consumer's wrangler.toml). */
export const DEAD_LETTER_QUEUE = "llm-data-vault-jobs-dlq";
