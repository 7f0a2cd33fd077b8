/**
 * Re-encryption inside a DatasetObject: the records of a seq window still sealed under DEK
 * versions older than the target are opened and sealed again under the target, keeping
 * their record version (the associated data does not change) and content byte for byte.
 * Each batch is one transaction, compare-and-set on (version, key_version), keyed like the
 * other job write-backs (job_writes), so reads keep working throughout and a redelivered
 * batch writes nothing and reports the first run's counts.
 */
import type { AuditScope } from "../audit/append";
import { getBlob, putBlobs, recordBlobKey } from "./blobs";
import { openRecord, sealRecord } from "./cipher";
import { DecryptionError } from "../crypto/aes-gcm";
import { applyOnce, storedResult } from "./job-writes";
import { INLINE_CIPHERTEXT_BYTES, MAX_PAGE_BYTES } from "./limits";
import type { DatasetObjectContext } from "./object-context";
import * as store from "./store";
import type { DatasetRef } from "./wire";

/** One chunk of a re-encrypt job: its key (job, range, cursor), the seq window, the target DEK version and the most records. */
export interface ReencryptWindow {
  key: string;
  afterSeq: number;
  throughSeq: number;
  target: number;
  limit: number;
}

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

/** Rows one UPDATE re-seals: 4 bound values each, plus the target, within SQLite's 100 per statement here. */
const ROWS_PER_UPDATE = 24;

/**
 * Re-seals rows in one statement, each only if it is still at the version and key version it
 * was read at (a seq is never reused, so it names the record). Returns how many were updated.
 */
function updateInline(sql: SqlStorage, target: number, batch: { row: store.RecordRow; ct: Uint8Array }[]): number {
  const values = batch.map(() => "(?, ?, ?, ?)").join(", ");
  const params = batch.flatMap((s) => [s.row.seq, s.row.version, s.row.key_version, store.exactBuffer(s.ct)]);
  return sql.exec(
    `UPDATE records SET key_version = ?, ciphertext = v.column4 FROM (VALUES ${values}) AS v
     WHERE records.seq = v.column1 AND records.version = v.column2 AND records.key_version = v.column3`,
    target,
    ...params,
  ).rowsWritten;
}

/**
 * Rows after `afterSeq` up to `throughSeq`: at most `limit`, and fewer when their sizes reach
 * MAX_PAGE_BYTES (always at least one), so a chunk of large records stays bounded in memory.
 */
function windowRows(sql: SqlStorage, afterSeq: number, throughSeq: number, limit: number): store.RecordRow[] {
  const rows: store.RecordRow[] = [];
  let bytes = 0;
  for (const row of store.recordRowsAfter(sql, afterSeq, limit)) {
    if (row.seq > throughSeq || (rows.length > 0 && bytes + row.size > MAX_PAGE_BYTES)) break;
    rows.push(row);
    bytes += row.size;
  }
  return rows;
}

/** Re-seals up to `limit` records after `afterSeq` (up to `throughSeq`) under DEK `target`, once per window key. */
export async function reencryptBatch(
  ctx: DatasetObjectContext,
  ref: DatasetRef,
  scope: AuditScope,
  window: ReencryptWindow,
): Promise<ReencryptResult> {
  const { key: batchKey, afterSeq, throughSeq, target, limit } = window;
  const sql = ctx.storage.sql;
  const earlier = storedResult<ReencryptResult>(sql, batchKey);
  if (earlier) return earlier;
  const rows = windowRows(sql, afterSeq, throughSeq, limit);
  const stale = rows.filter((r) => r.key_version < target);
  const key = await ctx.keys.version(ref, target);
  // Each older version's key once, not once per record.
  const versions = [...new Set(stale.map((r) => r.key_version))];
  const oldKeys = new Map(await Promise.all(versions.map(async (v) => [v, await ctx.keys.version(ref, v)] as const)));
  const opened = await Promise.all(
    stale.map(async (row) => {
      const old = row.ciphertext
        ? new Uint8Array(row.ciphertext)
        : row.blob_key
          ? await getBlob(ctx.env.BLOBS, row.blob_key)
          : null;
      if (!old) {
        // A concurrent write replaced the row (and deleted its blob) since it was read: skipped below.
        if (store.getRecordRow(sql, row.id)?.blob_key !== row.blob_key) return null;
        throw new DecryptionError();
      }
      const binding = { ...ref, recordId: row.id, version: row.version };
      const canonical = await openRecord(oldKeys.get(row.key_version)!, binding, old);
      const ct = await sealRecord(key, binding, canonical);
      // A new blob key per attempt: the old blob stays valid until the row points elsewhere.
      const blobKey =
        ct.byteLength > INLINE_CIPHERTEXT_BYTES
          ? recordBlobKey(ref.tenantId, ref.datasetId, row.id, row.version, target)
          : null;
      return { row, ct, blobKey };
    }),
  );
  const sealed = opened.filter((s) => s !== null);
  const blobKeys = await putBlobs(ctx.env.BLOBS, sealed);
  // Rows whose old and new ciphertexts both live in the row are updated many per statement.
  const inline = sealed.filter((x) => !x.blobKey && !x.row.blob_key);
  const withBlobs = sealed.filter((x) => x.blobKey || x.row.blob_key);
  return applyOnce<ReencryptResult>(ctx, batchKey, blobKeys, (drop) => {
    let done = 0;
    for (let i = 0; i < inline.length; i += ROWS_PER_UPDATE)
      done += updateInline(sql, target, inline.slice(i, i + ROWS_PER_UPDATE));
    for (const s of withBlobs) {
      const cursor = sql.exec(
        "UPDATE records SET key_version = ?, ciphertext = ?, blob_key = ? WHERE seq = ? AND version = ? AND key_version = ?",
        target,
        s.blobKey ? null : store.exactBuffer(s.ct),
        s.blobKey,
        s.row.seq,
        s.row.version,
        s.row.key_version,
      );
      if (cursor.rowsWritten > 0) {
        done++;
        if (s.row.blob_key) drop.push(s.row.blob_key);
      } else if (s.blobKey) drop.push(s.blobKey);
    }
    const out: ReencryptResult = {
      last_seq: rows.length ? rows[rows.length - 1].seq : null,
      reencrypted: done,
      already_current: rows.length - stale.length,
      skipped: stale.length - done,
      replayed: false,
    };
    if (done) {
      ctx.afterCommit.auditInTransaction(scope, {
        action: "record.reencrypt",
        resource: { dataset_id: ref.datasetId, job_id: batchKey.split(":")[0] },
        details: { key_version: target, reencrypted: done, first_seq: rows[0].seq, last_seq: out.last_seq },
      });
    }
    return out;
  });
}
