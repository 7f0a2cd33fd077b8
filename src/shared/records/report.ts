/**
 * Validation reports: after a dataset's schema changes, stored records are not touched
 * (the new schema applies to new writes). A report, run on demand as a queued job,
 * checks every stored record against the schema as it was when the report started.
 * The DatasetObject keeps the report; the failures' error lists are sealed under the
 * dataset's DEK, since schema error messages can quote record values.
 */
import { appendAudit, type AuditScope } from "../audit/append";
import { findLiveDataset } from "../datasets/service";
import { conflict, ProblemError, type FieldError } from "../errors";
import { registerJobKind, type ChunkResult, type JobEnv } from "../jobs/run";
import { createJob } from "../jobs/service";
import { decodeCursor, encodeCursor } from "../pagination";
import { datasetObject, refOf } from "./object";
import { unwrap } from "./wire";

export const VALIDATION_JOB_KIND = "dataset.validate";

/** What one chunk of a report did. */
export interface ValidationChunk {
  done: boolean;
  checked: number;
  invalid: number;
}

export interface ValidationReport {
  job_id: string;
  status: "running" | "complete";
  checked: number;
  invalid: number;
  started_at: string;
  finished_at: string | null;
  /** Invalid records (the first 1000 kept), each with every schema error. */
  items: { record_id: string; seq: number; errors: FieldError[] }[];
  next: number | null;
}

export type ReportEnv = JobEnv & Pick<Env, "DATASET" | "AUDIT_LOG" | "MASTER_KEYS">;

/** Starts a report job over the dataset's stored records; 409 when the dataset has no schema. */
export async function startValidationReport(
  env: ReportEnv,
  scope: AuditScope,
  dataset: { id: string; tenantId: string; schema: string | null },
) {
  if (dataset.schema === null)
    throw conflict("The dataset has no JSON Schema, so there is nothing to validate against.");
  const schemaText = dataset.schema;
  const ref = refOf(dataset);
  const job = await createJob(env, scope, {
    kind: VALIDATION_JOB_KIND,
    datasetId: dataset.id,
    params: { dataset_id: dataset.id },
    // The object snapshots the schema as it is now, so a later change does not mix two schemas in one report.
    prepare: async (jobId) => {
      unwrap(await datasetObject(env, ref).startReport(ref, jobId, schemaText));
    },
  });
  return { job_id: job.id, status: "queued" as const, created_at: job.created_at };
}

/** The dataset's latest report with a page of its failures; reading it is audited. */
export async function getValidationReport(
  env: ReportEnv,
  scope: AuditScope,
  dataset: { id: string; tenantId: string },
  limit: number,
  cursor?: string,
) {
  const after = cursor ? decodeCursor(cursor, { seq: "number" }).seq : 0;
  const ref = refOf(dataset);
  const report = unwrap(await datasetObject(env, ref).report(ref, after, limit));
  await appendAudit(env, scope, {
    action: "dataset.validation_report.read",
    resource: { dataset_id: dataset.id, job_id: report.job_id },
    details: { count: report.items.length },
  });
  const { next, ...rest } = report;
  return { ...rest, next_cursor: next === null ? null : encodeCursor({ seq: next }) };
}

registerJobKind<ReportEnv>(VALIDATION_JOB_KIND, async (env, job): Promise<ChunkResult> => {
  const { dataset_id: datasetId } = JSON.parse(job.params) as { dataset_id: string };
  const live = await findLiveDataset(env.DB, job.tenantId, datasetId);
  // A dataset deleted mid-report leaves nothing to check.
  if (!live) return { next: null, progress: {} };
  const ref = { tenantId: job.tenantId, datasetId };
  const scope: AuditScope = { tenantId: job.tenantId, actor: job.createdBy, requestId: null, clientIp: null };
  let chunk: ValidationChunk;
  try {
    chunk = unwrap(await datasetObject(env, ref).validateChunk(ref, scope, job.id));
  } catch (err) {
    if (err instanceof ProblemError && err.status === 404) return { next: null, progress: {} };
    throw err;
  }
  // The object tracks where the report stands; the cursor only says "not finished".
  return { next: chunk.done ? null : "continue", progress: { checked: chunk.checked, invalid: chunk.invalid } };
});
