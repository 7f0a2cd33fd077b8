/**
 * What the dataset jobs (pii-scan, anonymize, re-encrypt) share: their dataset and audit
 * scope, how a job's seq interval is split into ranges, where a range's next chunk starts,
 * and reading a chunk's decrypted records through the DatasetObject.
 */
import type { AuditScope } from "../../audit/append";
import { datasetObject } from "../../records/object";
import { unwrap, type DatasetRef, type OpenedRecord } from "../../records/wire";
import { JobFailure, MAX_RANGES_PER_JOB, type JobEnv, type JobRow, type Plan, type RangeState } from "../run";

/**
 * Records one chunk reads (fewer when they pass the object's 8 MiB page): large, since each
 * chunk costs a D1 compare-and-set, a DatasetObject call and an audit event whatever its size.
 */
export const CHUNK_RECORDS = 5000;
/**
 * Records per chunk: CHUNK_RECORDS, or the `DATASET_JOB_CHUNK_RECORDS` variable when set (tests
 * use small chunks to exercise many chunks on small datasets).
 */
export function chunkRecords(env: object): number {
  const n = Number((env as { DATASET_JOB_CHUNK_RECORDS?: string }).DATASET_JOB_CHUNK_RECORDS);
  return Number.isInteger(n) && n > 0 ? Math.min(n, CHUNK_RECORDS) : CHUNK_RECORDS;
}

/**
 * Records per re-encrypt chunk: re-encryption stays inside the DatasetObject (no records cross RPC), so its chunks
 * can be larger than a scan's — fewer transactions, D1 compare-and-sets and audit events — still bounded by the
 * object's 8 MiB page. `DATASET_JOB_CHUNK_RECORDS`, when set, applies as for the other kinds.
 */
export const REENCRYPT_CHUNK_RECORDS = 12_500;

export function reencryptChunkRecords(env: object): number {
  return (env as { DATASET_JOB_CHUNK_RECORDS?: string }).DATASET_JOB_CHUNK_RECORDS === undefined
    ? REENCRYPT_CHUNK_RECORDS
    : chunkRecords(env);
}

/** A range has at least this many seqs; a job has at most MAX_RANGES_PER_JOB ranges. */
export const MIN_RANGE_SEQS = 5000;
/**
 * Milliseconds one queue delivery keeps running chunks of a range. Each hand-on to a new
 * message waits for the queue's next batch (max_batch_timeout, 1 s here), so a delivery runs
 * for several chunks; well under the consumer's message deadline (60 s) and CPU limit.
 */
export const DATASET_JOB_BUDGET_MS = 10_000;

type DatasetEnv = JobEnv & Pick<Env, "DATASET" | "AUDIT_LOG">;

/** The dataset a job runs over. */
export const refOf = (job: JobRow): DatasetRef => ({ tenantId: job.tenantId, datasetId: job.datasetId! });

/**
 * Ends the job unless its dataset is still live and its tenant active: a dataset soft-deleted or purged while the job
 * runs gets nothing more written (JobFailure `dataset-deleted`), and the job does not pass for a success over no
 * records; a tenant suspended while the job runs stops it at its next step (JobFailure `tenant-suspended`; a retry
 * after the tenant is active again resumes it). One D1 query; the kinds call it before every step that reads or
 * writes the dataset.
 */
export async function requireLiveDataset(env: Pick<JobEnv, "DB">, job: JobRow): Promise<void> {
  const row = await env.DB.prepare(
    `SELECT (SELECT status FROM tenants WHERE id = ?1) AS tenant,
       EXISTS (SELECT 1 FROM datasets WHERE id = ?2 AND tenant_id = ?1 AND deleted_at IS NULL) AS live`,
  )
    .bind(job.tenantId, job.datasetId)
    .first<{ tenant: string | null; live: number }>();
  if (!row?.live)
    throw new JobFailure(
      "dataset-deleted",
      `Dataset ${job.datasetId} was deleted while the job ran; the job stopped and wrote nothing more.`,
    );
  if (row.tenant !== "active")
    throw new JobFailure(
      "tenant-suspended",
      "The tenant was suspended while the job ran; the job stopped and wrote nothing more. Retry it once the tenant is active.",
    );
}

/** The audit scope of a job's work: its creator, no request. */
export const scopeOf = (job: JobRow): AuditScope => ({
  tenantId: job.tenantId,
  actor: job.createdBy,
  requestId: null,
  clientIp: null,
});

/**
 * Splits seqs `start..end` into up to MAX_RANGES_PER_JOB ranges of at least MIN_RANGE_SEQS;
 * an empty interval is one empty range (`{start: 1, end: 0}`) so the job still finishes.
 */
export function splitSeqs(start: number, end: number, itemsTotal: number): Plan {
  if (start > end) return { ranges: [{ start: 1, end: 0 }], itemsTotal: 0 };
  const n = Math.max(1, Math.min(MAX_RANGES_PER_JOB, Math.ceil((end - start + 1) / MIN_RANGE_SEQS)));
  const size = Math.ceil((end - start + 1) / n);
  const ranges = Array.from({ length: n }, (_, i) => ({
    start: start + i * size,
    end: Math.min(end, start + (i + 1) * size - 1),
  }));
  return { ranges, itemsTotal };
}

/** A range's bounds and the seq its next chunk starts after; null when the range is done. */
export function windowOf(range: RangeState): { start: number; end: number; after: number } | null {
  const { start, end } = range.bounds as { start: number; end: number };
  const after = range.cursor === null ? start - 1 : Number(range.cursor);
  return after >= end ? null : { start, end, after };
}

/**
 * The decrypted records of a range's next chunk (seqs after `after`, up to `end`), and the
 * cursor the range continues from (null when this chunk ends it). No rows: the range is done.
 */
export async function readChunk(
  env: DatasetEnv,
  job: JobRow,
  window: { end: number; after: number },
): Promise<{ rows: OpenedRecord[]; next: string | null }> {
  const ref = refOf(job);
  const page = unwrap(await datasetObject(env, ref).list(ref, scopeOf(job), window.after, chunkRecords(env)));
  const rows = page.items.filter((r) => r.seq <= window.end);
  const last = rows.length ? rows[rows.length - 1].seq : window.end;
  const done = page.next === null || rows.length < page.items.length || last >= window.end;
  return { rows, next: done ? null : String(last) };
}
