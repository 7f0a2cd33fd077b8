/** Creating, reading and cancelling bulk jobs; the queue consumer runs them (see run.ts). */
import { and, desc, eq, lt } from "drizzle-orm";
import { appendAudit, type AuditEnv, type AuditScope } from "../audit/append";
import { findLiveDataset } from "../datasets/service";
import { db, schema } from "../db/client";
import { conflict, forbidden, notFound, ProblemError } from "../errors";
import { newId } from "../ids";
import { decodeCursor, keysetPage } from "../pagination";
import type { JobMessage } from "../queue/messages";
import type { Job, JobDetail } from "../schema/jobs";
import { requestFinish, resumeMessages } from "./run";
import { jobDetail } from "./progress";
import { REWRAP_TENANT_KIND } from "./types/rewrap-tenant";

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
  /** A job id chosen beforehand (so a caller can record it first); a new one by default. */
  id?: string;
  kind: string;
  datasetId?: string | null;
  params?: Record<string, unknown>;
  /** Extra audit details for the job.create event (counts and names only). */
  details?: Record<string, unknown>;
  /** Runs after the job row exists and before its first chunk is enqueued (e.g. to set up state the chunks need). */
  prepare?: (jobId: string) => Promise<void>;
  /**
   * Jobs of the same dataset this one may not run beside: while one of them is queued or running, the job is
   * refused (409 `job-conflict`). Checked and inserted in one statement, so two racing requests cannot both pass.
   */
  exclusiveWith?: readonly JobMatch[];
}

/** A kind of job, optionally only with a top-level string param of a given value (e.g. `target: "in_place"`). */
export interface JobMatch {
  kind: string;
  param?: { name: string; value: string };
}

/** Statuses in which a job may still write: what `exclusiveWith` waits for. */
const ACTIVE_STATUSES = ["queued", "running"] as const;

/** SQL over `jobs` true for an active job of the dataset matching one of `matches`, with its bound values. */
function activeMatchSql(tenantId: string, datasetId: string, matches: readonly JobMatch[]) {
  const params: string[] = [tenantId, datasetId, ...ACTIVE_STATUSES];
  const terms = matches.map((m) => {
    params.push(m.kind);
    if (!m.param) return "kind = ?";
    params.push(`$.${m.param.name}`, m.param.value);
    return "(kind = ? AND json_extract(params, ?) = ?)";
  });
  const where = `tenant_id = ? AND dataset_id = ? AND status IN (${ACTIVE_STATUSES.map(() => "?").join(", ")}) AND (${terms.join(" OR ")})`;
  return { where, params };
}

/**
 * The 409 `job-conflict` problem for a job refused because `running` (an active job of the same dataset) rewrites
 * what it would; `running_job_id` names that job.
 */
function jobConflict(running: { id: string; kind: string }): ProblemError {
  return new ProblemError(409, "job-conflict", {
    detail: `Job ${running.id} (${running.kind}) is rewriting this dataset; wait until it has finished or cancel it, then start this one.`,
    extensions: { running_job_id: running.id },
  });
}

/** The oldest active job of `datasetId` matching `matches`, if any. */
async function activeMatch(d1: D1Database, tenantId: string, datasetId: string, matches: readonly JobMatch[]) {
  const { where, params } = activeMatchSql(tenantId, datasetId, matches);
  return d1
    .prepare(`SELECT id, kind FROM jobs WHERE ${where} ORDER BY id LIMIT 1`)
    .bind(...params)
    .first<{ id: string; kind: string }>();
}

/**
 * Inserts the job row, or throws 409 `job-conflict` naming the active job that prevents it: a request that started
 * a conflicting job after createJob's first check. If that job ended before it could be named, the insert is tried
 * again (a few times: each failure means a conflicting job was active at that moment).
 */
async function insertOrConflict(d1: D1Database, row: JobRow, matches: readonly JobMatch[]): Promise<void> {
  for (let attempt = 0; attempt < 3; attempt++) {
    if (await insertExclusive(d1, row, matches)) return;
    const running = await activeMatch(d1, row.tenantId, row.datasetId!, matches);
    if (running) throw jobConflict(running);
  }
  throw conflict("Jobs rewriting this dataset keep starting and ending; try again.");
}

/** Inserts the job row unless an active job of its dataset matches `matches`; false when one does. */
async function insertExclusive(d1: D1Database, row: JobRow, matches: readonly JobMatch[]): Promise<boolean> {
  const { where, params } = activeMatchSql(row.tenantId, row.datasetId!, matches);
  const cols = {
    id: row.id,
    tenant_id: row.tenantId,
    dataset_id: row.datasetId,
    kind: row.kind,
    status: row.status,
    params: row.params,
    progress: row.progress,
    created_by: row.createdBy,
    created_at: row.createdAt,
    updated_at: row.updatedAt,
  };
  const names = Object.keys(cols);
  const res = await d1
    .prepare(
      `INSERT INTO jobs (${names.join(", ")}) SELECT ${names.map(() => "?").join(", ")}
       WHERE NOT EXISTS (SELECT 1 FROM jobs WHERE ${where})`,
    )
    .bind(...Object.values(cols), ...params)
    .run();
  return res.meta.changes > 0;
}

/**
 * Creates a job, audits it and enqueues its first chunk. If preparing or enqueueing
 * fails, the job is marked failed rather than left looking queued.
 * @throws ProblemError 409 `job-conflict` (with `running_job_id`) while a job of `input.exclusiveWith` is queued or
 *   running on the dataset.
 */
export async function createJob(env: JobsEnv, scope: AuditScope, input: NewJob): Promise<Job> {
  const now = new Date().toISOString();
  const row: JobRow = {
    id: input.id ?? newId("job"),
    tenantId: scope.tenantId,
    datasetId: input.datasetId ?? null,
    kind: input.kind,
    status: "queued",
    params: JSON.stringify(input.params ?? {}),
    progress: "{}",
    error: null,
    itemsTotal: null,
    bytesTotal: null,
    startedAt: null,
    createdBy: scope.actor,
    createdAt: now,
    updatedAt: now,
    finishedAt: null,
  };
  const exclusive = row.datasetId && input.exclusiveWith?.length ? input.exclusiveWith : null;
  if (exclusive) {
    // Checked before the audit event too, so a refused request leaves no job.create behind in the usual case.
    const running = await activeMatch(env.DB, row.tenantId, row.datasetId!, exclusive);
    if (running) throw jobConflict(running);
  }
  await appendAudit(env, scope, {
    action: "job.create",
    resource: { job_id: row.id, ...(row.datasetId ? { dataset_id: row.datasetId } : {}) },
    details: { kind: row.kind, ...(input.details ?? {}) },
  });
  if (!exclusive) await db(env.DB).insert(schema.jobs).values(row);
  else await insertOrConflict(env.DB, row, exclusive);
  try {
    await input.prepare?.(row.id);
    await env.JOBS.send({
      type: "job.chunk",
      job_id: row.id,
      tenant_id: row.tenantId,
      cursor: null,
    } satisfies JobMessage);
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
  return toJob(await getJobRow(d1, tenantId, id));
}

async function getJobRow(d1: D1Database, tenantId: string, id: string): Promise<JobRow> {
  const row = await db(d1)
    .select()
    .from(schema.jobs)
    .where(and(eq(schema.jobs.id, id), eq(schema.jobs.tenantId, tenantId)))
    .get();
  if (!row) throw notFound("The job");
  return row;
}

/** The job with live progress: per-range status, rates, ETA and its first errors. */
export async function getJobDetail(d1: D1Database, tenantId: string, id: string): Promise<JobDetail> {
  return jobDetail(d1, await getJobRow(d1, tenantId, id));
}

/** Newest first. */
export async function listJobs(d1: D1Database, tenantId: string, limit: number, cursor?: string) {
  const where = cursor
    ? and(eq(schema.jobs.tenantId, tenantId), lt(schema.jobs.id, decodeCursor(cursor, { id: "string" }).id))
    : eq(schema.jobs.tenantId, tenantId);
  const rows = await db(d1)
    .select()
    .from(schema.jobs)
    .where(where)
    .orderBy(desc(schema.jobs.id))
    .limit(limit + 1)
    .all();
  return keysetPage(rows, limit, toJob);
}

/**
 * Kinds the operator starts (POST /tenants/{id}/jobs) and alone controls: the tenant's keys may read them (they are
 * the tenant's jobs, in its audit log), but not cancel or retry them, so a tenant cannot hold up a master-key rotation.
 */
export const OPERATOR_JOB_KINDS: readonly string[] = [REWRAP_TENANT_KIND];

function checkController(kind: string, byOperator: boolean) {
  if (!byOperator && OPERATOR_JOB_KINDS.includes(kind))
    throw forbidden("The operator started this job; only the operator can cancel or retry it.");
}

/**
 * Cancels a queued or running job: 409 for any other status; 403 when a tenant key tries an operator job
 * (`byOperator` false) — the operator cancels those through POST /tenants/{id}/jobs/{job_id}/cancel. The consumer
 * skips chunks of cancelled jobs.
 */
export async function cancelJob(env: JobsEnv, scope: AuditScope, id: string, byOperator = false): Promise<Job> {
  const current = await getJob(env.DB, scope.tenantId, id);
  checkController(current.kind, byOperator);
  if (current.status !== "queued" && current.status !== "running") {
    throw conflict(`The job is already ${current.status}.`);
  }
  await appendAudit(env, scope, { action: "job.cancel", resource: { job_id: id } });
  const now = new Date().toISOString();
  const row = await db(env.DB)
    .update(schema.jobs)
    .set({ status: "cancelled", updatedAt: now, finishedAt: now })
    .where(
      and(eq(schema.jobs.id, id), eq(schema.jobs.tenantId, scope.tenantId), eq(schema.jobs.status, current.status)),
    )
    .returning()
    .get();
  if (!row) throw conflict("The job changed state while it was being cancelled; read it again.");
  // The finish step discards what the job's chunks staged; a chunk in flight stops at its compare-and-set.
  await requestFinish(env, row).catch(() => undefined);
  return toJob(row);
}

/** True when `row` is a job `matches` names (its kind, and its param when one is given). */
function isMatch(row: JobRow, matches: readonly JobMatch[]): boolean {
  const params = JSON.parse(row.params) as Record<string, unknown>;
  return matches.some((m) => m.kind === row.kind && (!m.param || params[m.param.name] === m.param.value));
}

/**
 * Why a retry of `job` would meet the same failure whatever it does, or null: its dataset, or the dataset an
 * anonymize job writes into, is deleted (a target the job created is also dropped when the job fails for good).
 */
async function lostDataset(d1: D1Database, job: JobRow): Promise<string | null> {
  if (job.datasetId && !(await findLiveDataset(d1, job.tenantId, job.datasetId)))
    return `The job's dataset ${job.datasetId} was deleted; a retry would fail the same way.`;
  const target = (JSON.parse(job.params) as { target_dataset_id?: unknown }).target_dataset_id;
  if (typeof target === "string" && !(await findLiveDataset(d1, job.tenantId, target)))
    return (
      `The job's target dataset ${target} was deleted, so what the job staged there is gone and a retry would ` +
      `fail the same way; start a new job instead.`
    );
  return null;
}

/**
 * Re-runs what failed: the failed ranges of a `failed` or `partially_failed` job resume
 * from where they stopped (nothing already applied runs again); a job whose ranges all got
 * through but whose finish failed runs its finish again. 409 for any other status, for a
 * job whose dataset or anonymize target was deleted (the detail says which), and, for a job
 * that `exclusiveWith` names, while another such job is queued or running on its dataset
 * (409 `job-conflict`, as createJob's).
 */
export async function retryJob(
  env: JobsEnv,
  scope: AuditScope,
  id: string,
  exclusiveWith: readonly JobMatch[] = [],
): Promise<Job> {
  const current = await getJobRow(env.DB, scope.tenantId, id);
  checkController(current.kind, false);
  if (current.status !== "failed" && current.status !== "partially_failed") {
    throw conflict(`Only a failed or partially failed job can be retried; this one is ${current.status}.`);
  }
  const lost = await lostDataset(env.DB, current);
  if (lost) throw conflict(lost);
  if (current.datasetId && isMatch(current, exclusiveWith)) {
    // The job itself is failed, so it is not among the active ones found.
    const running = await activeMatch(env.DB, current.tenantId, current.datasetId, exclusiveWith);
    if (running) throw jobConflict(running);
  }
  const failed = (
    await env.DB.prepare("SELECT range_no FROM job_ranges WHERE job_id = ? AND status = 'failed' ORDER BY range_no")
      .bind(id)
      .all<{ range_no: number }>()
  ).results.map((r) => r.range_no);
  const total = await env.DB.prepare("SELECT count(*) AS n FROM job_ranges WHERE job_id = ?")
    .bind(id)
    .first<{ n: number }>();
  await appendAudit(env, scope, { action: "job.retry", resource: { job_id: id }, details: { ranges: failed.length } });
  const at = new Date().toISOString();
  const [moved] = await env.DB.batch([
    env.DB.prepare(
      // `params.retries` counts the job's runs, so each run's finish is its own audit event (run.ts).
      `UPDATE jobs SET status = ?, error = NULL, updated_at = ?, finished_at = NULL,
         params = json_set(params, '$.retries', coalesce(json_extract(params, '$.retries'), 0) + 1)
       WHERE id = ? AND tenant_id = ? AND status = ?`,
    ).bind((total?.n ?? 0) === 0 ? "queued" : "running", at, id, scope.tenantId, current.status),
    // Only if the job moved (same transaction): a lost race leaves the ranges as they were.
    env.DB.prepare(
      "UPDATE job_ranges SET status = 'pending', attempts = 0, error = NULL, updated_at = ? WHERE job_id = ? AND status = 'failed' AND EXISTS (SELECT 1 FROM jobs WHERE id = ? AND updated_at = ? AND finished_at IS NULL)",
    ).bind(at, id, id, at),
  ]);
  if (!moved.meta.changes) throw conflict("The job changed state while it was being retried; read it again.");
  // No failed range: every range got through and the finish failed; only the finish runs again.
  if (!failed.length && (total?.n ?? 0) > 0) await requestFinish(env, current);
  else await resumeMessages(env, current, failed);
  return getJob(env.DB, scope.tenantId, id);
}
