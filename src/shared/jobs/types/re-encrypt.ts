/**
 * The re-encrypt job (kind `re-encrypt`): moves every record of a dataset (R2 blobs too)
 * to the DEK version that is newest when the job starts. Ranges of seqs run in parallel;
 * each chunk is one DatasetObject call that re-seals a batch in one transaction keyed
 * (job, range, cursor) (records/reencrypt.ts), so reads keep working and redelivery writes
 * once. The finish checks that no record is left under an older version, marks the older
 * versions retired in D1 and, with `destroy_retired`, deletes their wrapped keys: every
 * copy of a ciphertext sealed under them, wherever it is, can no longer be opened. The vault's
 * own sealed documents of the dataset (pii-scan reports) are re-sealed under the new version
 * first; exports are copies and are shredded with the old versions.
 */
import { datasetKeyRow } from "../../crypto/dataset-keys";
import { datasetObject } from "../../records/object";
import { unwrap } from "../../records/wire";
import { registerKind, type ChunkResult, type JobEnv, type JobRow } from "../run";
import { scanDocsPrefix } from "./pii-scan";
import { resealJsonUnder } from "./sealed-json";
import {
  reencryptChunkRecords,
  DATASET_JOB_BUDGET_MS,
  refOf,
  requireLiveDataset,
  scopeOf,
  splitSeqs,
  windowOf,
} from "./seq-window";

export const REENCRYPT_KIND = "re-encrypt";

export type ReencryptJobEnv = JobEnv & Pick<Env, "DATASET" | "AUDIT_LOG" | "MASTER_KEYS" | "BLOBS">;

export interface ReencryptParams {
  type: "re-encrypt";
  destroy_retired: boolean;
  /** Fixed by the plan: the DEK version records move to, and the highest seq then. */
  target_version?: number;
  through_seq?: number;
}

async function savedParams(env: JobEnv, job: JobRow): Promise<ReencryptParams> {
  const row = await env.DB.prepare("SELECT params FROM jobs WHERE id = ?").bind(job.id).first<{ params: string }>();
  return JSON.parse(row?.params ?? job.params) as ReencryptParams;
}

registerKind<ReencryptJobEnv>(REENCRYPT_KIND, {
  budgetMs: DATASET_JOB_BUDGET_MS,

  async plan(env, job) {
    await requireLiveDataset(env, job);
    const ref = refOf(job);
    const bounds = unwrap(await datasetObject(env, ref).seqBounds(ref));
    const current = await datasetKeyRow(env.DB, ref.tenantId, ref.datasetId);
    await env.DB.prepare(
      "UPDATE jobs SET params = json_set(params, '$.target_version', ?, '$.through_seq', ?) WHERE id = ? AND json_extract(params, '$.target_version') IS NULL",
    )
      .bind(current.version, bounds.max ?? 0, job.id)
      .run();
    const params = await savedParams(env, job);
    const end = params.through_seq ?? 0;
    return bounds.min === null ? splitSeqs(1, 0, 0) : splitSeqs(bounds.min, end, bounds.count);
  },

  async chunk(env, job, range): Promise<ChunkResult> {
    await requireLiveDataset(env, job);
    const ref = refOf(job);
    const params = JSON.parse(job.params) as ReencryptParams;
    const target = params.target_version ?? (await savedParams(env, job)).target_version!;
    const window = windowOf(range);
    if (!window) return { next: null, progress: {} };
    const { after, end } = window;
    const r = unwrap(
      await datasetObject(env, ref).reencryptBatch(ref, scopeOf(job), {
        key: `${job.id}:${range.rangeNo}:${after}`,
        afterSeq: after,
        throughSeq: end,
        target,
        limit: reencryptChunkRecords(env),
      }),
    );
    const done = r.last_seq === null || r.last_seq >= end;
    return {
      next: done ? null : String(r.last_seq),
      progress: {
        items: r.reencrypted + r.already_current + r.skipped,
        reencrypted: r.reencrypted,
        already_current: r.already_current,
        skipped: r.skipped,
      },
    };
  },

  async finish(env, job) {
    await requireLiveDataset(env, job);
    const ref = refOf(job);
    const params = await savedParams(env, job);
    const target = params.target_version!;
    const inUse = unwrap(await datasetObject(env, ref).keyVersionsInUse(ref, false));
    const left = inUse.filter((v) => v.key_version < target).reduce((n, v) => n + v.records, 0);
    if (left)
      return {
        status: "failed",
        error: `${left} records are still sealed under DEK versions older than ${target}; run the job again.`,
      };
    // The scan reports are the vault's own documents about this dataset: they move to the new key too, so a destroy
    // shreds copies of records, not the history a later scan compares with.
    const resealed = await resealJsonUnder(env, ref, scanDocsPrefix(ref), target);
    const at = new Date().toISOString();
    const retired = await env.DB.prepare(
      "UPDATE dataset_keys SET retired_at = coalesce(retired_at, ?) WHERE tenant_id = ? AND dataset_id = ? AND version < ?",
    )
      .bind(at, ref.tenantId, ref.datasetId, target)
      .run();
    let destroyed = 0;
    if (params.destroy_retired) {
      const res = await env.DB.prepare(
        "DELETE FROM dataset_keys WHERE tenant_id = ? AND dataset_id = ? AND version < ?",
      )
        .bind(ref.tenantId, ref.datasetId, target)
        .run();
      destroyed = res.meta.changes ?? 0;
      // The object may hold the destroyed keys unwrapped in memory: make it forget them.
      unwrap(await datasetObject(env, ref).keyVersionsInUse(ref, true));
    }
    return {
      status: "succeeded",
      progress: {
        target_version: target,
        retired_versions: retired.meta.changes ?? 0,
        destroyed_versions: destroyed,
        resealed_documents: resealed,
      },
    };
  },
});
