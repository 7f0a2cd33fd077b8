/**
 * A dataset a job created for its output (an anonymize job's target) goes away with a
 * cancelled job, or one that failed for good (a JobFailure: its source was deleted): the engine calls this once the job's staged work has been discarded, and the
 * dataset is soft-deleted (its name becomes free), as DELETE /datasets/{id} would, and audited
 * as `dataset.delete` by the system actor with the job and the reason. Only a dataset the job's
 * params name as `created_dataset_id` is considered, and only while it holds no committed
 * record, so a dataset someone wrote to in the meantime is kept (and the event says so).
 * The event's id is derived from the job, so copies of the finish message audit it once.
 */
import { auditLogObject, toEventInput, type AuditEnv, type AuditEntry, type AuditScope } from "../audit/append";
import { normalizeEventInput } from "../audit/event";
import { evictDataset } from "../datasets/cache";
import { softDeleteDataset } from "../datasets/service";
import { db, schema } from "../db/client";
import { datasetObject, refOf } from "../records/object";
import { unwrap } from "../records/wire";
import { and, eq, isNull } from "drizzle-orm";
import type { JobRow } from "./run";

export type CreatedDatasetEnv = AuditEnv & Pick<Env, "DB" | "DATASET">;

/**
 * Soft-deletes the live dataset `job` created, if it is empty.
 * @returns "deleted", "kept" (it holds records) or "none" (no such dataset, or already deleted).
 */
export async function dropCreatedDataset(
  env: CreatedDatasetEnv,
  job: JobRow,
  reason: "job_cancelled" | "job_failed",
): Promise<"deleted" | "kept" | "none"> {
  const id = (JSON.parse(job.params) as { created_dataset_id?: unknown }).created_dataset_id;
  if (typeof id !== "string") return "none";
  const d = schema.datasets;
  const row = await db(env.DB)
    .select()
    .from(d)
    .where(and(eq(d.id, id), eq(d.tenantId, job.tenantId), isNull(d.deletedAt)))
    .get();
  if (!row) return "none";
  const ref = refOf(row);
  const scope: AuditScope = { tenantId: job.tenantId, actor: "system", requestId: null, clientIp: null };
  const details = { reason, job_id: job.id };
  const { count } = unwrap(await datasetObject(env, ref).seqBounds(ref));
  const entry: AuditEntry = { action: "dataset.delete", resource: { dataset_id: id }, details };
  if (count > 0) {
    await auditOnce(env, scope, `evt_keep_${job.id}`, {
      ...entry,
      outcome: "error",
      details: { ...details, kept: "holds records", records: count },
    });
    return "kept";
  }
  // Audited before it acts, as every change is; a failed delete is retried with the message.
  await auditOnce(env, scope, `evt_drop_${job.id}`, entry);
  await softDeleteDataset(env.DB, row);
  evictDataset(job.tenantId, id);
  return "deleted";
}

/** Appends an event under a fixed id: the AuditLogObject stores an event id at most once. */
async function auditOnce(env: AuditEnv, scope: AuditScope, eventId: string, entry: AuditEntry): Promise<void> {
  await auditLogObject(env, scope.tenantId).append([normalizeEventInput(toEventInput(scope, entry, eventId))]);
}
