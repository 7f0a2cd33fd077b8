/**
 * The anonymize job (kind `anonymize`), in place: every record of the dataset whose
 * detected PII the operators change gets a new version under the same id. Ranges run in
 * parallel; a chunk reads up to CHUNK_RECORDS decrypted records (seq-window.ts), detects and anonymizes
 * them in the consumer (tokens of reversible operators written to the tenant's vault
 * first, so a stored record never points at a missing token), then writes the batch back
 * through one DatasetObject call keyed (job, range, cursor), which applies it once and
 * atomically (records/job-writes.ts). Pseudonyms, tokens and surrogates are keyed by the
 * tenant's keys, so the same input maps to the same output in every record.
 *
 * Into a new dataset (`target: {dataset_name}`, created with the job): every record, changed
 * or not, is staged in the target keyed by its source seq (records/bulk-write.ts, the
 * import's staging), so a redelivered chunk stages nothing twice; the finish commits them in
 * seq order in one transaction with one `record.anonymize` event on the target, and a cancel
 * discards them. The source is only read.
 */
import { anonymizeJson } from "../../anonymize/anonymize";
import { MemberNameCollision } from "../../anonymize/json-map";
import { OperatorKeys } from "../../anonymize/keys";
import type { OperatorMap } from "../../anonymize/operators";
import { TokenVault } from "../../anonymize/vault";
import { findLiveDataset } from "../../datasets/service";
import { db, schema } from "../../db/client";
import { prepareOptions } from "../../pii/detect";
import { loadRecognizers } from "../../pii/recognizer-store";
import type { Finding } from "../../pii/types";
import type { PiiPolicy } from "../../schema/pii";
import { canonicalJson, sha256Hex, utf8 } from "../../records/canonical";
import { MAX_RECORD_BYTES } from "../../records/limits";
import { datasetObject } from "../../records/object";
import type { StageItem } from "../../records/bulk-write";
import type { JobWrite } from "../../records/job-writes";
import { schemaErrors, validatorFor } from "../../records/validate";
import { unwrap, type DatasetRef } from "../../records/wire";
import { and, eq } from "drizzle-orm";
import { registerKind, type ChunkResult, type JobEnv, type JobRow } from "../run";
import { detectRecord, isScanLimited, noteScanLimited, scanLimitNote } from "./record-scan";
import {
  DATASET_JOB_BUDGET_MS,
  readChunk,
  refOf,
  requireLiveDataset,
  scopeOf,
  splitSeqs,
  windowOf,
} from "./seq-window";

export const ANONYMIZE_KIND = "anonymize";

export type AnonymizeJobEnv = JobEnv & Pick<Env, "DATASET" | "AUDIT_LOG" | "MASTER_KEYS" | "BLOBS">;
type Staged = StageItem & { changed: boolean };

export interface AnonymizeParams {
  type: "anonymize";
  target: "in_place" | { dataset_name: string };
  /** The dataset an anonymized copy goes into (created with the job); absent in place. */
  target_dataset_id?: string;
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

const paramsOf = (job: JobRow) => JSON.parse(job.params) as AnonymizeParams;
/** The target dataset of a copying job, or null in place. */
const targetOf = (job: JobRow): DatasetRef | null => {
  const id = paramsOf(job).target_dataset_id;
  return id ? { tenantId: job.tenantId, datasetId: id } : null;
};
/**
 * The job's error note when records were left out: renaming their members would merge two of them, or the tenant's
 * recognizers went past the scan budget of one record (record-scan.ts).
 */
function collisionNote(counters: Record<string, number>, copy: boolean): { error?: string } {
  const n = counters.name_collisions ?? 0;
  const notes = [
    n
      ? `member-name-collision: ${n} records were ${copy ? "not copied" : "left unchanged"}: anonymizing their member names would give two members of one object the same name.`
      : null,
    scanLimitNote(counters, copy ? "were not copied" : "were left unchanged"),
  ].filter((x): x is string => x !== null);
  return notes.length ? { error: notes.join(" ") } : {};
}

const operatorNames = (params: AnonymizeParams) =>
  Object.fromEntries(Object.entries(params.operators).map(([t, o]) => [t, o?.type ?? "default"]));

registerKind<AnonymizeJobEnv>(ANONYMIZE_KIND, {
  budgetMs: DATASET_JOB_BUDGET_MS,

  async plan(env, job) {
    await requireLiveDataset(env, job);
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
    return bounds.min === null ? splitSeqs(1, 0, 0) : splitSeqs(bounds.min, end, bounds.count);
  },

  async chunk(env, job, range): Promise<ChunkResult> {
    await requireLiveDataset(env, job);
    const ref = refOf(job);
    const params = paramsOf(job);
    const window = windowOf(range);
    if (!window) return { next: null, progress: {} };
    const scope = scopeOf(job);
    const target = targetOf(job);
    const { rows, next } = await readChunk(env, job, window);
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
    // Records are anonymized concurrently: their HMAC and digest calls overlap instead of
    // awaiting one record at a time.
    const anonymizeRow = async (r: (typeof rows)[number], data: unknown, findings: Finding[]) => {
      let out: Awaited<ReturnType<typeof anonymizeJson>>;
      try {
        out = await anonymizeJson(data, findings, params.operators, { keys, vault });
      } catch (err) {
        // Renamed members would merge: the record is left as it is (in place) or not copied, and counted.
        if (err instanceof MemberNameCollision) return "collision" as const;
        throw err;
      }
      const changed = out.items.length > 0;
      // In place an unchanged record is left alone; a copy takes every record.
      if (!changed && !target) return null;
      const canonical = changed ? canonicalJson(out.data) : r.data;
      const bytes = changed ? utf8(canonical) : null;
      const size = bytes ? bytes.byteLength : r.size;
      // An output the dataset would refuse is left unwritten and counted, never stored.
      if (size > MAX_RECORD_BYTES || (validator && schemaErrors(validator, out.data, "$").length)) return "invalid";
      // An unchanged record keeps its canonical text, so its stored digest still holds.
      const sha256 = bytes ? await sha256Hex(bytes) : r.sha256;
      return { r, changed, replacements: out.items.length, prepared: { canonical, size, sha256 } };
    };
    const outcomes = await Promise.all(
      rows.map((r) => {
        const data = JSON.parse(r.data) as unknown;
        const found = detectRecord(data, opts);
        // Not read to the end: left as it is (in place) or not copied, never passed as clean.
        if (isScanLimited(found)) return { skipped: { seq: r.seq, id: r.id, reason: found.reason } };
        // In place a record without findings stays as it is: no operator runs, no promise to wait for.
        return !found.length && !target ? null : anonymizeRow(r, data, found);
      }),
    );
    const writes: JobWrite[] = [];
    const staged: Staged[] = [];
    const skipped: { seq: number; id: string; reason: string }[] = [];
    let invalid = 0;
    let collisions = 0;
    let replacements = 0;
    for (const o of outcomes) {
      if (o === null) continue;
      if (o === "invalid" || o === "collision") {
        if (o === "invalid") invalid++;
        else collisions++;
        continue;
      }
      if ("skipped" in o) {
        skipped.push(o.skipped);
        continue;
      }
      replacements += o.replacements;
      if (target) staged.push({ pos: o.r.seq, ...o.prepared, changed: o.changed });
      else writes.push({ id: o.r.id, from_version: o.r.version, ...o.prepared });
    }
    await vault.flush(env.DB);
    await noteScanLimited(env, job.id, range.rangeNo, range.counters.scan_limited ?? 0, skipped);
    const last = rows[rows.length - 1].seq;
    if (target) {
      // Staged by source seq, so a redelivered chunk stages nothing twice; the finish commits in seq order.
      const anonymized = staged.filter((s) => s.changed).length;
      const items = staged.map(({ pos, canonical, size, sha256 }) => ({ pos, canonical, size, sha256 }));
      if (items.length) unwrap(await datasetObject(env, target).stageImport(target, job.id, items));
      return {
        next,
        progress: {
          items: rows.length,
          anonymized,
          unchanged: staged.length - anonymized,
          invalid,
          name_collisions: collisions,
          scan_limited: skipped.length,
          replacements,
        },
      };
    }
    // Detection took a while: a dataset deleted meanwhile gets no new versions.
    await requireLiveDataset(env, job);
    const operators = operatorNames(params);
    const applied = unwrap(
      await datasetObject(env, ref).applyJobWrites(ref, scope, {
        key: `${job.id}:${range.rangeNo}:${window.after}`,
        audit: {
          action: "record.anonymize",
          resource: { dataset_id: ref.datasetId, job_id: job.id },
          details: { operators, first_seq: rows[0].seq, last_seq: last },
        },
        items: writes,
        counts: {
          items: rows.length,
          unchanged: rows.length - writes.length - invalid - collisions - skipped.length,
          invalid,
          name_collisions: collisions,
          scan_limited: skipped.length,
          replacements,
        },
      }),
    );
    return { next, progress: { ...applied.counts, anonymized: applied.written, conflicts: applied.conflicts } };
  },

  async finish(env, job, counters) {
    await requireLiveDataset(env, job);
    const target = targetOf(job);
    const note = collisionNote(counters, target !== null);
    if (!target) return { status: "succeeded", ...note };
    const params = paramsOf(job);
    const scope = scopeOf(job);
    // A target deleted while the job ran gets nothing: committing into it would fill a dataset nobody can see.
    if (!(await findLiveDataset(env.DB, target.tenantId, target.datasetId))) {
      unwrap(await datasetObject(env, target).discardImport(target, job.id));
      return {
        status: "failed",
        error: "The target dataset was deleted while the job ran; nothing was written to it.",
      };
    }
    // One event on the target, raised in the commit's transaction, so a finish run twice audits once.
    const committed = unwrap(
      await datasetObject(env, target).commitImport(target, scope, job.id, job.id, {
        action: "record.anonymize",
        details: {
          source_dataset_id: job.datasetId,
          operators: operatorNames(params),
          items: counters.items ?? 0,
          invalid: counters.invalid ?? 0,
          replacements: counters.replacements ?? 0,
        },
      }),
    );
    return { status: "succeeded", progress: { written: committed.count }, ...note };
  },

  async discard(env, job) {
    const target = targetOf(job);
    if (target) unwrap(await datasetObject(env, target).discardImport(target, job.id));
  },
});
