/**
 * Wiping a DatasetObject for a purge (crypto-shredding): pending audit events are forwarded
 * first (if that fails nothing is deleted and the caller retries), then the dataset's R2
 * blobs (record ciphertexts and PII scan reports) and all of the object's storage go. The DEKs in D1 are shredded by the caller.
 */
import { datasetBlobPrefix, datasetScanPrefix, deletePrefix } from "./blobs";
import type { DatasetObjectContext } from "./object-context";
import type { DatasetRef } from "./wire";

/**
 * Wipes the object's data. `sealOff` is called once the last events are forwarded, before
 * storage is deleted: from then on the object must refuse every call.
 * @throws ProblemError 503 `audit-unavailable` when pending events cannot be forwarded.
 */
export async function wipeObject(
  ctx: DatasetObjectContext,
  ref: DatasetRef,
  sealOff: () => void,
): Promise<{ blobs_deleted: number }> {
  await ctx.counters.settled();
  await ctx.afterCommit.flushOrFail();
  const blobsDeleted = await deletePrefix(ctx.env.BLOBS, datasetBlobPrefix(ref.tenantId, ref.datasetId));
  // Scan reports and their parts name records and where they hold PII: they go with the dataset.
  await deletePrefix(ctx.env.BLOBS, datasetScanPrefix(ref.tenantId, ref.datasetId));
  // A write that committed while the blobs were deleted has its event forwarded too.
  await ctx.afterCommit.flushOrFail();
  sealOff();
  await ctx.storage.deleteAlarm();
  await ctx.storage.deleteAll();
  ctx.keys.clear();
  return { blobs_deleted: blobsDeleted };
}
