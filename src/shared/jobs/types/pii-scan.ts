/**
 * The PII scan job (kind `pii-scan`): finds PII and secrets in every record of a seq range
 * of a dataset (all of it, an explicit range, or what was written since the last scan) and
 * reports counts per entity type and JSON path, score histograms and sample positions —
 * never values (scan-report.ts). Ranges run in parallel; a chunk reads up to CHUNK_RECORDS
 * decrypted records (seq-window.ts), runs detection in the consumer and puts its part, sealed, at an R2 key
 * fixed by (job, first seq), so a chunk run twice writes the same part once. The finish
 * merges the parts, compares with the previous scan and seals the report; the job's
 * progress carries the counts per entity type (`findings.<TYPE>`, `records.<TYPE>`).
 * Each record is scanned within a tenant-pattern budget of its own; one that goes past it is
 * left out of the report, counted as `scan_limited` and listed in the job's errors (record-scan.ts).
 */
import { prepareOptions } from "../../pii/detect";
import { loadRecognizers } from "../../pii/recognizer-store";
import { datasetScanPrefix, deleteBlobs } from "../../records/blobs";
import { datasetObject } from "../../records/object";
import { unwrap, type DatasetRef } from "../../records/wire";
import { registerKind, type ChunkResult, type JobEnv, type JobRow } from "../run";
import {
  addRecord,
  compareReports,
  emptyPart,
  mergeParts,
  reportSamples,
  type ScanPart,
  type ScanReport,
} from "./scan-report";
import { detectRecord, isScanLimited, noteScanLimited, scanLimitNote } from "./record-scan";
import { getSealedJson, listKeys, putSealedJson, type SealedEnv } from "./sealed-json";
import { DATASET_JOB_BUDGET_MS, readChunk, refOf, requireLiveDataset, splitSeqs, windowOf } from "./seq-window";

export const PII_SCAN_KIND = "pii-scan";

export type ScanJobEnv = JobEnv & Pick<Env, "DATASET" | "AUDIT_LOG" | "MASTER_KEYS" | "BLOBS">;

/** What POST /datasets/{id}/jobs stores as the job's params; the plan adds `from_seq` and `through_seq`. */
export interface ScanParams {
  type: "pii-scan";
  entities?: string[];
  min_score?: number;
  samples: number;
  from_seq?: number;
  to_seq?: number;
  since_last_scan?: boolean;
  through_seq?: number;
}

/** Where every scan of the dataset keeps its sealed parts and report. */
export const scanDocsPrefix = (ref: DatasetRef) => datasetScanPrefix(ref.tenantId, ref.datasetId);
export const scanPrefix = (ref: DatasetRef, jobId: string) => `${scanDocsPrefix(ref)}${jobId}/`;
export const reportKey = (ref: DatasetRef, jobId: string) => `${scanPrefix(ref, jobId)}report`;
const partKey = (ref: DatasetRef, jobId: string, firstSeq: number) =>
  `${scanPrefix(ref, jobId)}parts/${String(firstSeq).padStart(12, "0")}`;

const paramsOf = (job: JobRow) => JSON.parse(job.params) as ScanParams;

/** The newest successful scan of the dataset created before `job`, if any. */
export async function previousScan(d1: D1Database, job: Pick<JobRow, "id" | "tenantId" | "datasetId" | "createdAt">) {
  return d1
    .prepare(
      `SELECT id, params FROM jobs WHERE tenant_id = ? AND dataset_id = ? AND kind = ? AND status = 'succeeded' AND id != ? AND created_at <= ?
       ORDER BY finished_at DESC LIMIT 1`,
    )
    .bind(job.tenantId, job.datasetId, PII_SCAN_KIND, job.id, job.createdAt)
    .first<{ id: string; params: string }>();
}

/** The sealed report of a finished scan, or null. */
export function readReport(env: SealedEnv, ref: DatasetRef, jobId: string) {
  return getSealedJson<ScanReport>(env, ref, reportKey(ref, jobId));
}

/**
 * Merges the parts into the report, seals it and deletes the parts. A finish running at the
 * same time may delete parts under it: when the parts hold fewer records than the chunks
 * counted, the other finish's report is taken, or the step fails and is retried.
 */
async function buildReport(
  env: ScanJobEnv,
  job: JobRow,
  ref: DatasetRef,
  params: ScanParams,
  scanned: number,
): Promise<ScanReport> {
  const keys = (await listKeys(env.BLOBS, `${scanPrefix(ref, job.id)}parts/`)).sort();
  const parts: ScanPart[] = [];
  for (const key of keys) {
    const part = await getSealedJson<ScanPart>(env, ref, key);
    if (part) parts.push(part);
  }
  const merged = parts.length ? mergeParts(parts, params.samples) : emptyPart();
  if (merged.records < scanned) {
    const other = await readReport(env, ref, job.id);
    if (other) return other;
    throw new Error("scan parts missing: another finish is writing the report");
  }
  const prev = await previousScan(env.DB, job);
  // A report that no longer opens (sealed under a key destroyed before re-encrypt re-sealed reports) has nothing to
  // compare with; the new scan must not fail for it.
  const previous = prev ? await readReport(env, ref, prev.id).catch(() => null) : null;
  const report: ScanReport = {
    job_id: job.id,
    dataset_id: ref.datasetId,
    from_seq: params.from_seq ?? 1,
    through_seq: params.through_seq ?? 0,
    entities_requested: params.entities ?? null,
    min_score: params.min_score ?? null,
    records_scanned: merged.records,
    records_with_findings: merged.records_with_findings,
    findings: merged.findings,
    entities: merged.entities,
    samples: reportSamples(merged),
    compared_with: previous ? compareReports(merged, previous) : null,
    created_at: new Date().toISOString(),
  };
  await putSealedJson(env, ref, reportKey(ref, job.id), report);
  await deleteBlobs(env.BLOBS, keys);
  return report;
}

registerKind<ScanJobEnv>(PII_SCAN_KIND, {
  budgetMs: DATASET_JOB_BUDGET_MS,

  async plan(env, job) {
    await requireLiveDataset(env, job);
    const ref = refOf(job);
    const params = paramsOf(job);
    const bounds = unwrap(await datasetObject(env, ref).seqBounds(ref));
    let from = params.from_seq ?? 1;
    if (params.since_last_scan) {
      const prev = await previousScan(env.DB, job);
      const through = prev ? (JSON.parse(prev.params) as ScanParams).through_seq : undefined;
      if (through !== undefined) from = Math.max(from, through + 1);
    }
    // Fixed once: a second plan (redelivered start) keeps what the first wrote.
    const through = params.through_seq ?? Math.min(params.to_seq ?? Number.MAX_SAFE_INTEGER, bounds.max ?? 0);
    if (params.through_seq === undefined) {
      await env.DB.prepare(
        "UPDATE jobs SET params = json_set(params, '$.from_seq', ?, '$.through_seq', ?) WHERE id = ? AND json_extract(params, '$.through_seq') IS NULL",
      )
        .bind(from, through, job.id)
        .run();
    }
    const savedRow = await env.DB.prepare("SELECT params FROM jobs WHERE id = ?")
      .bind(job.id)
      .first<{ params: string }>();
    const saved = JSON.parse(savedRow?.params ?? job.params) as ScanParams;
    const start = Math.max(saved.from_seq ?? from, bounds.min ?? 1);
    const end = saved.through_seq ?? through;
    if (bounds.min === null) return splitSeqs(1, 0, 0);
    return splitSeqs(start, end, Math.min(bounds.count, end - start + 1));
  },

  async chunk(env, job, range): Promise<ChunkResult> {
    await requireLiveDataset(env, job);
    const ref = refOf(job);
    const params = paramsOf(job);
    const window = windowOf(range);
    if (!window) return { next: null, progress: {} };
    const { rows, next } = await readChunk(env, job, window);
    if (!rows.length) return { next: null, progress: {} };
    const opts = prepareOptions({
      entities: params.entities,
      minScore: params.min_score,
      custom: await loadRecognizers(env.DB, job.tenantId),
    });
    const part = emptyPart();
    const skipped: { seq: number; id: string; reason: string }[] = [];
    for (const r of rows) {
      const found = detectRecord(JSON.parse(r.data), opts);
      if (isScanLimited(found)) skipped.push({ seq: r.seq, id: r.id, reason: found.reason });
      else addRecord(part, r, found, params.samples);
    }
    await noteScanLimited(env, job.id, range.rangeNo, range.counters.scan_limited ?? 0, skipped);
    await putSealedJson(env, ref, partKey(ref, job.id, rows[0].seq), part);
    return { next, progress: { items: rows.length, scan_limited: skipped.length } };
  },

  async finish(env, job, counters) {
    await requireLiveDataset(env, job);
    const ref = refOf(job);
    const params = paramsOf(job);
    // A finish that ran before (redelivered) already wrote the report: the parts may be gone.
    let report = await readReport(env, ref, job.id);
    // Records skipped for their scan budget are in no part.
    if (!report)
      report = await buildReport(env, job, ref, params, (counters.items ?? 0) - (counters.scan_limited ?? 0));
    const progress: Record<string, number> = {
      records_scanned: report.records_scanned,
      records_with_findings: report.records_with_findings,
      findings: report.findings,
      new_types: report.compared_with?.new_types.length ?? 0,
      new_paths: report.compared_with?.new_paths.length ?? 0,
    };
    for (const [type, e] of Object.entries(report.entities)) {
      progress[`findings.${type}`] = e.findings;
      progress[`records.${type}`] = e.records;
    }
    const note = scanLimitNote(counters, "were not scanned and are not in the report");
    return { status: "succeeded", progress, ...(note ? { error: note } : {}) };
  },

  async discard(env, job) {
    const ref = refOf(job);
    await deleteBlobs(env.BLOBS, await listKeys(env.BLOBS, scanPrefix(ref, job.id)));
  },
});
