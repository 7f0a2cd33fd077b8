/**
 * The anonymize job (kind `anonymize`), in place: every record of the dataset whose
 * detected PII the operators change gets a new version under the same id. Ranges run in
 * parallel; a chunk reads up to CHUNK_RECORDS decrypted records, detects and anonymizes
 * them in the consumer (tokens of reversible operators written to the tenant's vault
 * first, so a stored record never points at a missing token), then writes the batch back
 * through one DatasetObject call keyed (job, range, cursor), which applies it once and
 * atomically (records/job-writes.ts). Pseudonyms, tokens and surrogates are keyed by the
 * tenant's keys, so the same input maps to the same output in every record.
 */
import { anonymizeJson } from "../../anonymize/anonymize";
import { OperatorKeys } from "../../anonymize/keys";
import type { OperatorMap } from "../../anonymize/operators";
import { TokenVault } from "../../anonymize/vault";
import type { AuditScope } from "../../audit/append";
import { db, schema } from "../../db/client";
import { detectJson, prepareOptions } from "../../pii/detect";
import { loadRecognizers } from "../../pii/recognizer-store";
import type { PiiPolicy } from "../../schema/pii";
import { canonicalJson, sha256Hex, utf8 } from "../../records/canonical";
import { MAX_RECORD_BYTES } from "../../records/limits";
import { datasetObject } from "../../records/object";
import type { JobWrite } from "../../records/job-writes";
import { schemaErrors, validatorFor } from "../../records/validate";
import { unwrap, type DatasetRef } from "../../records/wire";
import { and, eq } from "drizzle-orm";
import { MAX_RANGES_PER_JOB, registerKind, type ChunkResult, type JobEnv, type JobRow } from "../run";

export const ANONYMIZE_KIND = "anonymize";
/** Records one chunk reads and writes back in one DatasetObject call. */
export const CHUNK_RECORDS = 500;
/** A range has at least this many seqs. */
export const MIN_RANGE_SEQS = 5000;

export type AnonymizeJobEnv = JobEnv & Pick<Env, "DATASET" | "TENANT" | "MASTER_KEYS" | "BLOBS">;

export interface AnonymizeParams {
  type: "anonymize";
  target: "in_place";
  /** Given operators, or those of the dataset's policy when the request named none (resolved at creation). */
  operators: OperatorMap;
  /** Entity types to detect: the operators' types, or all when DEFAULT is among them or none are named. */
  entities?: string[];
  min_score?: number;
  through_seq?: number;
}

/** The anonymize rules of a dataset's PII policy as operators (null when it has none). */
export function policyOperators(piiPolicy: string | null): OperatorMap | null {
  if (!piiPolicy) return null;
  const policy = JSON.parse(piiPolicy) as PiiPolicy;
  const out: OperatorMap = {};
  for (const [type, rule] of Object.entries(policy.rules)) if (rule.action === "anonymize") out[type] = rule.operator;
  return Object.keys(out).length ? out : null;
}

const refOf = (job: JobRow): DatasetRef => ({ tenantId: job.tenantId, datasetId: job.datasetId! });
const paramsOf = (job: JobRow) => JSON.parse(job.params) as AnonymizeParams;

registerKind<AnonymizeJobEnv>(ANONYMIZE_KIND, {
  async plan(env, job) {
    const ref = refOf(job);
    const bounds = unwrap(await datasetObject(env, ref).seqBounds(ref));
    // Records written after the job starts already passed the policy: the job covers those before.
    await env.DB.prepare(
      "UPDATE jobs SET params = json_set(params, '$.through_seq', ?) WHERE id = ? AND json_extract(params, '$.through_seq') IS NULL",
    )
      .bind(bounds.max ?? 0, job.id)
      .run();
    const row = await env.DB.prepare("SELECT params FROM jobs WHERE id = ?").bind(job.id).first<{ params: string }>();
    const end = (JSON.parse(row?.params ?? job.params) as AnonymizeParams).through_seq ?? 0;
    if (bounds.min === null || bounds.min > end) return { ranges: [{ start: 1, end: 0 }], itemsTotal: 0 };
    const start = bounds.min;
    const n = Math.max(1, Math.min(MAX_RANGES_PER_JOB, Math.ceil((end - start + 1) / MIN_RANGE_SEQS)));
    const size = Math.ceil((end - start + 1) / n);
    const ranges = Array.from({ length: n }, (_, i) => ({
      start: start + i * size,
      end: Math.min(end, start + (i + 1) * size - 1),
    }));
    return { ranges, itemsTotal: bounds.count };
  },

  async chunk(env, job, range): Promise<ChunkResult> {
    const ref = refOf(job);
    const params = paramsOf(job);
    const { start, end } = range.bounds as { start: number; end: number };
    const after = range.cursor === null ? start - 1 : Number(range.cursor);
    if (after >= end) return { next: null, progress: {} };
    const scope: AuditScope = { tenantId: job.tenantId, actor: job.createdBy, requestId: null, clientIp: null };
    const stub = datasetObject(env, ref);
    const page = unwrap(await stub.list(ref, scope, after, CHUNK_RECORDS));
    const rows = page.items.filter((r) => r.seq <= end);
    if (!rows.length) return { next: null, progress: {} };
    const dataset = await db(env.DB)
      .select({ schema: schema.datasets.schema })
      .from(schema.datasets)
      .where(and(eq(schema.datasets.id, ref.datasetId), eq(schema.datasets.tenantId, ref.tenantId)))
      .get();
    const validator = dataset?.schema ? validatorFor(dataset.schema) : null;
    const opts = prepareOptions({
      entities: params.entities,
      minScore: params.min_score,
      custom: await loadRecognizers(env.DB, job.tenantId),
    });
    const keys = new OperatorKeys(env, job.tenantId);
    const vault = new TokenVault(keys);
    const writes: JobWrite[] = [];
    let invalid = 0;
    let replacements = 0;
    for (const r of rows) {
      const data = JSON.parse(r.data) as unknown;
      const out = await anonymizeJson(data, detectJson(data, opts), params.operators, { keys, vault });
      if (!out.items.length) continue;
      const canonical = canonicalJson(out.data);
      const bytes = utf8(canonical);
      // An output the dataset would refuse is left unwritten and counted, never stored.
      if (bytes.byteLength > MAX_RECORD_BYTES || (validator && schemaErrors(validator, out.data, "$").length)) {
        invalid++;
        continue;
      }
      replacements += out.items.length;
      writes.push({
        id: r.id,
        from_version: r.version,
        canonical,
        size: bytes.byteLength,
        sha256: await sha256Hex(bytes),
      });
    }
    await vault.flush(env.DB);
    const last = rows[rows.length - 1].seq;
    const operators = Object.fromEntries(Object.entries(params.operators).map(([t, o]) => [t, o?.type ?? "default"]));
    const applied = unwrap(
      await stub.applyJobWrites(
        ref,
        scope,
        `${job.id}:${range.rangeNo}:${after}`,
        {
          action: "record.anonymize",
          resource: { dataset_id: ref.datasetId, job_id: job.id },
          details: { operators, first_seq: rows[0].seq, last_seq: last },
        },
        writes,
        { items: rows.length, unchanged: rows.length - writes.length - invalid, invalid, replacements },
      ),
    );
    const done = page.next === null || rows.length < page.items.length || last >= end;
    return {
      next: done ? null : String(last),
      progress: { ...applied.counts, anonymized: applied.written, conflicts: applied.conflicts },
    };
  },
});
