/**
 * Re-encryption inside a DatasetObject: the records of a seq window still sealed under DEK
 * versions older than the target are opened and sealed again under the target, keeping
 * their record version (the associated data does not change) and content byte for byte.
 * Each batch is one transaction, compare-and-set on (version, key_version), keyed like the
 * other job write-backs (job_writes), so reads keep working throughout and a redelivered
 * batch writes nothing and reports the first run's counts.
 */
import type { AuditScope } from "../audit/append";
import { discardBlobs, getBlob, putBlobs, recordBlobKey } from "./blobs";
import { openRecord, sealRecord } from "./cipher";
import { DecryptionError } from "../crypto/aes-gcm";
import { INLINE_CIPHERTEXT_BYTES } from "./limits";
import type { DatasetObjectContext } from "./object-context";
import * as store from "./store";
import type { DatasetRef } from "./wire";

export interface ReencryptResult {
  /** The last seq looked at, or null when the window has no more records. */
  last_seq: number | null;
  reencrypted: number;
  already_current: number;
  /** Records that changed between read and write (a newer write already sealed them under the newest key). */
  skipped: number;
  replayed: boolean;
}

/** DEK versions that still seal at least one record, with counts. */
export function keyVersionsInUse(sql: SqlStorage): { key_version: number; records: number }[] {
  return sql
    .exec<{ key_version: number; records: number }>(
      "SELECT key_version, count(*) AS records FROM records GROUP BY key_version ORDER BY key_version",
    )
    .toArray();
}

/** Re-seals up to `limit` records after `afterSeq` (up to `throughSeq`) under DEK `target`, once per `batchKey`. */
export async function reencryptBatch(
  ctx: DatasetObjectContext,
  ref: DatasetRef,
  scope: AuditScope,
  batchKey: string,
  afterSeq: number,
  throughSeq: number,
  target: number,
  limit: number,
): Promise<ReencryptResult> {
  const sql = ctx.storage.sql;
  const stored = () =>
    sql.exec<{ result: string }>("SELECT result FROM job_writes WHERE batch_key = ?", batchKey).toArray()[0];
  const earlier = stored();
  if (earlier) return { ...(JSON.parse(earlier.result) as ReencryptResult), replayed: true };
  const rows = store.recordRowsAfter(sql, afterSeq, limit).filter((r) => r.seq <= throughSeq);
  const stale = rows.filter((r) => r.key_version < target);
  const key = await ctx.keys.version(ref, target);
  const sealed = await Promise.all(
    stale.map(async (row) => {
      const old = row.ciphertext
        ? new Uint8Array(row.ciphertext)
        : row.blob_key
          ? await getBlob(ctx.env.BLOBS, row.blob_key)
          : null;
      if (!old) throw new DecryptionError();
      const binding = { ...ref, recordId: row.id, version: row.version };
      const canonical = await openRecord(await ctx.keys.version(ref, row.key_version), binding, old);
      const ct = await sealRecord(key, binding, canonical);
      // A new blob key per DEK version: the old blob stays valid until the row points elsewhere.
      const blobKey =
        ct.byteLength > INLINE_CIPHERTEXT_BYTES
          ? `${recordBlobKey(ref.tenantId, ref.datasetId, row.id, row.version)}.k${target}`
          : null;
      return { row, ct, blobKey };
    }),
  );
  const blobKeys = await putBlobs(ctx.env.BLOBS, sealed);
  const unused: string[] = [];
  const replaced: string[] = [];
  let result: ReencryptResult;
  try {
    result = ctx.storage.transactionSync(() => {
      const again = stored();
      if (again) {
        unused.push(...blobKeys);
        return { ...(JSON.parse(again.result) as ReencryptResult), replayed: true };
      }
      let done = 0;
      for (const s of sealed) {
        const cursor = sql.exec(
          "UPDATE records SET key_version = ?, ciphertext = ?, blob_key = ? WHERE id = ? AND version = ? AND key_version = ?",
          target,
          s.blobKey ? null : store.exactBuffer(s.ct),
          s.blobKey,
          s.row.id,
          s.row.version,
          s.row.key_version,
        );
        if (cursor.rowsWritten > 0) {
          done++;
          if (s.row.blob_key) replaced.push(s.row.blob_key);
        } else if (s.blobKey) unused.push(s.blobKey);
      }
      const out: ReencryptResult = {
        last_seq: rows.length ? rows[rows.length - 1].seq : null,
        reencrypted: done,
        already_current: rows.length - stale.length,
        skipped: stale.length - done,
        replayed: false,
      };
      sql.exec(
        "INSERT INTO job_writes (batch_key, result, created_at) VALUES (?, ?, ?)",
        batchKey,
        JSON.stringify(out),
        new Date().toISOString(),
      );
      if (done) {
        ctx.afterCommit.auditInTransaction(scope, {
          action: "record.reencrypt",
          resource: { dataset_id: ref.datasetId, job_id: batchKey.split(":")[0] },
          details: { key_version: target, reencrypted: done, first_seq: rows[0].seq, last_seq: out.last_seq },
        });
      }
      return out;
    });
  } catch (err) {
    await discardBlobs(ctx.env.BLOBS, blobKeys);
    throw err;
  }
  await discardBlobs(ctx.env.BLOBS, [...unused, ...replaced]);
  await ctx.afterCommit.run();
  return result;
}
