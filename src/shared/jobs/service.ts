/** Creating, reading and cancelling bulk jobs; the queue consumer runs them (see run.ts). */
import { and, desc, eq, lt } from "drizzle-orm";
import { appendAudit, type AuditEnv, type AuditScope } from "../audit/append";
import { db, schema } from "../db/client";
import { conflict, notFound } from "../errors";
import { newId } from "../ids";
import { decodeCursor, keysetPage } from "../pagination";
import type { JobMessage } from "../queue/messages";
import type { Job } from "../schema/jobs";

type JobRow = typeof schema.jobs.$inferSelect;

export interface JobsEnv extends AuditEnv {
  DB: D1Database;
  JOBS: Queue;
}

export const toJob = (r: JobRow): Job => ({
  id: r.id,
  kind: r.kind,
  dataset_id: r.datasetId,
  status: r.status,
  params: JSON.parse(r.params) as Record<string, unknown>,
  progress: JSON.parse(r.progress) as Record<string, number>,
  error: r.error,
  created_by: r.createdBy,
  created_at: r.createdAt,
  updated_at: r.updatedAt,
  finished_at: r.finishedAt,
});

export interface NewJob {
  kind: string;
  datasetId?: string | null;
  params?: Record<string, unknown>;
  /** Extra audit details for the job.create event (counts and names only). */
  details?: Record<string, unknown>;
  /** Runs after the job row exists and before its first chunk is enqueued (e.g. to set up state the chunks need). */
  prepare?: (jobId: string) => Promise<void>;
}

/**
 * Creates a job, audits it and enqueues its first chunk. If preparing or enqueueing
 * fails, the job is marked failed rather than left looking queued.
 */
export async function createJob(env: JobsEnv, scope: AuditScope, input: NewJob): Promise<Job> {
  const now = new Date().toISOString();
  const row: JobRow = {
    id: newId("job"),
    tenantId: scope.tenantId,
    datasetId: input.datasetId ?? null,
    kind: input.kind,
    status: "queued",
    params: JSON.stringify(input.params ?? {}),
    progress: "{}",
    error: null,
    createdBy: scope.actor,
    createdAt: now,
    updatedAt: now,
    finishedAt: null,
  };
  await appendAudit(env, scope, {
    action: "job.create",
    resource: { job_id: row.id, ...(row.datasetId ? { dataset_id: row.datasetId } : {}) },
    details: { kind: row.kind, ...(input.details ?? {}) },
  });
  await db(env.DB).insert(schema.jobs).values(row);
  try {
    await input.prepare?.(row.id);
    await env.JOBS.send({ type: "job.chunk", job_id: row.id, tenant_id: row.tenantId, cursor: null } satisfies JobMessage);
  } catch (err) {
    const failedAt = new Date().toISOString();
    await db(env.DB)
      .update(schema.jobs)
      .set({ status: "failed", error: "the job could not be started", updatedAt: failedAt, finishedAt: failedAt })
      .where(eq(schema.jobs.id, row.id));
    throw err;
  }
  return toJob(row);
}

export async function getJob(d1: D1Database, tenantId: string, id: string): Promise<Job> {
  const row = await db(d1).select().from(schema.jobs).where(and(eq(schema.jobs.id, id), eq(schema.jobs.tenantId, tenantId))).get();
  if (!row) throw notFound("The job");
  return toJob(row);
}

/** Newest first. */
export async function listJobs(d1: D1Database, tenantId: string, limit: number, cursor?: string) {
  const where = cursor
    ? and(eq(schema.jobs.tenantId, tenantId), lt(schema.jobs.id, decodeCursor(cursor, { id: "string" }).id))
    : eq(schema.jobs.tenantId, tenantId);
  const rows = await db(d1).select().from(schema.jobs).where(where).orderBy(desc(schema.jobs.id)).limit(limit + 1).all();
  return keysetPage(rows, limit, toJob);
}

/** Cancels a queued or running job; the consumer skips chunks of cancelled jobs. */
export async function cancelJob(env: JobsEnv, scope: AuditScope, id: string): Promise<Job> {
  const current = await getJob(env.DB, scope.tenantId, id);
  if (current.status !== "queued" && current.status !== "running") {
    throw conflict(`The job is already ${current.status}.`);
  }
  await appendAudit(env, scope, { action: "job.cancel", resource: { job_id: id } });
  const now = new Date().toISOString();
  const row = await db(env.DB)
    .update(schema.jobs)
    .set({ status: "cancelled", updatedAt: now, finishedAt: now })
    .where(and(eq(schema.jobs.id, id), eq(schema.jobs.tenantId, scope.tenantId), eq(schema.jobs.status, current.status)))
    .returning()
    .get();
  if (!row) throw conflict("The job changed state while it was being cancelled; read it again.");
  return toJob(row);
}
