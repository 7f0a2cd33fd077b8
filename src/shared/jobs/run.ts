/** Runs one chunk of a queued job and enqueues the next chunk until the job is done. */
import { and, eq, inArray } from "drizzle-orm";
import { appendAudit, type AuditEnv } from "../audit/append";
import { db, schema } from "../db/client";
import type { JobMessage } from "../queue/messages";

export interface JobEnv extends AuditEnv {
  DB: D1Database;
  JOBS: Queue;
}

type JobRow = typeof schema.jobs.$inferSelect;

/** Deliveries of one chunk before its job is marked failed; not above max_retries in the consumer's wrangler.toml, so the job fails before the queue drops the message. */
export const MAX_ATTEMPTS = 5;

/** Jobs finish with an audit event by the `system` actor. */
function auditFinish(env: JobEnv, job: Pick<JobRow, "id" | "tenantId" | "datasetId" | "kind">, outcome: "success" | "error", details: Record<string, unknown>) {
  return appendAudit(
    env,
    { tenantId: job.tenantId, actor: "system", requestId: null, clientIp: null },
    { action: "job.finish", outcome, resource: { job_id: job.id, ...(job.datasetId ? { dataset_id: job.datasetId } : {}) }, details: { kind: job.kind, ...details } },
  );
}

/** What one chunk of a job kind did: where to continue (null when finished) and counters to add. */
export interface ChunkResult {
  next: string | null;
  progress: Record<string, number>;
}

export type JobHandler<E extends JobEnv = JobEnv> = (
  env: E,
  job: JobRow,
  cursor: string | null,
) => Promise<ChunkResult>;

const handlers = new Map<string, JobHandler<never>>();

/** Registers the handler of a job kind (each kind's module calls this once). */
export function registerJobKind<E extends JobEnv>(kind: string, handler: JobHandler<E>): void {
  handlers.set(kind, handler as JobHandler<never>);
}

export async function runJobChunk<E extends JobEnv>(env: E, message: Extract<JobMessage, { type: "job.chunk" }>): Promise<void> {
  const d = db(env.DB);
  const job = await d
    .select()
    .from(schema.jobs)
    .where(and(eq(schema.jobs.id, message.job_id), eq(schema.jobs.tenantId, message.tenant_id)))
    .get();
  // Finished, cancelled or unknown jobs: a redelivered message has nothing left to do.
  if (!job || job.status === "succeeded" || job.status === "failed" || job.status === "cancelled") return;
  const now = () => new Date().toISOString();
  const handler = handlers.get(job.kind) as JobHandler<E> | undefined;
  if (!handler) {
    await d.update(schema.jobs).set({ status: "failed", error: `unknown job kind '${job.kind}'`, updatedAt: now(), finishedAt: now() }).where(eq(schema.jobs.id, job.id));
    await auditFinish(env, job, "error", { reason: "unknown kind" });
    return;
  }
  const result = await handler(env, job, message.cursor);
  const progress = JSON.parse(job.progress) as Record<string, number>;
  for (const [k, v] of Object.entries(result.progress)) progress[k] = (progress[k] ?? 0) + v;
  const done = result.next === null;
  // Only a job still queued or running moves on: a cancel that landed meanwhile wins.
  const updated = await d
    .update(schema.jobs)
    .set({
      status: done ? "succeeded" : "running",
      progress: JSON.stringify(progress),
      updatedAt: now(),
      finishedAt: done ? now() : null,
    })
    .where(and(eq(schema.jobs.id, job.id), inArray(schema.jobs.status, ["queued", "running"])))
    .returning({ id: schema.jobs.id })
    .get();
  if (!updated) return;
  if (done) await auditFinish(env, job, "success", { progress });
  else await env.JOBS.send({ type: "job.chunk", job_id: job.id, tenant_id: job.tenantId, cursor: result.next } satisfies JobMessage);
}

/** Marks a job failed (after its chunk has exhausted its retries). The reason must not carry record content. */
export async function failJob(env: JobEnv, message: Extract<JobMessage, { type: "job.chunk" }>, reason: string): Promise<void> {
  const now = new Date().toISOString();
  const job = await db(env.DB)
    .update(schema.jobs)
    .set({ status: "failed", error: reason.slice(0, 500), updatedAt: now, finishedAt: now })
    .where(and(eq(schema.jobs.id, message.job_id), eq(schema.jobs.tenantId, message.tenant_id), inArray(schema.jobs.status, ["queued", "running"])))
    .returning()
    .get();
  if (job) await auditFinish(env, job, "error", { reason: "out of retries" });
}
