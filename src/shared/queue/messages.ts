/** Messages on the jobs queue; the API worker produces them and the queue consumer runs them. */
import { z } from "zod";

/** Run (or continue) one chunk of a job. `cursor` is where the previous chunk stopped. */
export const JobChunkMessageSchema = z.object({
  type: z.literal("job.chunk"),
  job_id: z.string(),
  tenant_id: z.string(),
  cursor: z.string().nullable(),
});

export const JobMessageSchema = z.discriminatedUnion("type", [JobChunkMessageSchema]);

export type JobMessage = z.infer<typeof JobMessageSchema>;
