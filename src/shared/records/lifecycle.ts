/** Dataset key rotation and purge (crypto-shredding), both audited before they act. */
import { and, eq } from "drizzle-orm";
import { audited, type AuditScope } from "../audit/append";
import { evictDataset } from "../datasets/cache";
import { softDeleteDataset } from "../datasets/service";
import { db, schema } from "../db/client";
import { notFound } from "../errors";
import { shredStatement } from "../crypto/dataset-keys";
import { datasetObject, refOf } from "./object";
import { unwrap } from "./wire";
import { startSearchRebuild } from "../search/rebuild";
import { enabledSearch } from "../search/settings";

export type LifecycleEnv = Pick<Env, "DB" | "DATASET" | "AUDIT_LOG" | "MASTER_KEYS" | "JOBS">;

/**
 * Adds a new DEK version through the dataset's object, which seals new writes with it.
 * A searchable dataset's search key is derived from the DEK, so its index is rebuilt
 * under the new version (`search_rebuild_job_id`); searches use the old one meanwhile.
 */
export async function rotateDatasetKey(
  env: LifecycleEnv,
  scope: AuditScope,
  dataset: { id: string; tenantId: string; search: string | null },
) {
  const ref = refOf(dataset);
  const rotated = await audited(
    env,
    scope,
    { action: "dataset.rotate_key", resource: { dataset_id: dataset.id } },
    async () => unwrap(await datasetObject(env, ref).rotateDatasetKey(ref)),
  );
  const rebuild = enabledSearch(dataset) ? await startSearchRebuild(env, scope, dataset, "key_rotation") : null;
  return { dataset_id: dataset.id, ...rotated, ...(rebuild ? { search_rebuild_job_id: rebuild.job_id } : {}) };
}

/**
 * Purges a dataset, live or soft-deleted: hides it, wipes its object and R2 blobs, then
 * destroys its wrapped DEKs in D1. Each step can be retried: the keys go last, and a
 * dataset without keys counts as purged (404). Once the keys are gone, any copy of a
 * ciphertext taken earlier is unreadable.
 */
export async function purgeDataset(env: LifecycleEnv, scope: AuditScope, tenantId: string, datasetId: string) {
  const d = db(env.DB);
  const row = await d
    .select()
    .from(schema.datasets)
    .where(and(eq(schema.datasets.id, datasetId), eq(schema.datasets.tenantId, tenantId)))
    .get();
  const key = row
    ? await d
        .select({ version: schema.datasetKeys.version })
        .from(schema.datasetKeys)
        .where(and(eq(schema.datasetKeys.datasetId, datasetId), eq(schema.datasetKeys.tenantId, tenantId)))
        .limit(1)
        .get()
    : undefined;
  if (!row || !key) throw notFound("The dataset");
  evictDataset(tenantId, datasetId);
  const ref = refOf(row);
  return audited(
    env,
    scope,
    {
      action: "dataset.purge",
      resource: { dataset_id: datasetId },
      details: { records: row.recordCount, bytes: row.bytes },
    },
    async () => {
      if (!row.deletedAt) await softDeleteDataset(env.DB, row);
      const wiped = unwrap(await datasetObject(env, ref).purge(ref));
      await d.batch([
        shredStatement(env.DB, tenantId, datasetId),
        d
          .update(schema.datasets)
          .set({ recordCount: 0, bytes: 0 })
          .where(and(eq(schema.datasets.id, datasetId), eq(schema.datasets.tenantId, tenantId))),
      ]);
      return wiped;
    },
  );
}
