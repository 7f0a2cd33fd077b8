/**
 * Batched write-backs of dataset jobs inside a DatasetObject (anonymize in place): each
 * record of a batch gets a new version with the given content if it is still at the
 * version the job read, all in one transaction with one audit event. The batch is keyed
 * (job, range, cursor): a redelivered chunk gets the stored result and writes nothing, so
 * a cancel or crash leaves every record at its old or its new version, never between.
 */
import type { AuditEntry, AuditScope } from "../audit/append";
import { discardBlobs, putBlobs, recordBlobKey } from "./blobs";
import { sealRecord } from "./cipher";
import { addStats } from "./counters";
import type { PreparedRecord } from "./ingest";
import { INLINE_CIPHERTEXT_BYTES } from "./limits";
import type { DatasetObjectContext } from "./object-context";
import * as store from "./store";
import type { DatasetRef } from "./wire";

/** A record's new content, to apply only if the record is still at `from_version`. */
export interface JobWrite extends PreparedRecord {
  id: string;
  from_version: number;
}

export interface JobWriteResult {
  /** Records that got a new version. */
  written: number;
  /** Records deleted or changed since the job read them: left as they are. */
  conflicts: number;
  /** True when this batch key was applied before and nothing was written now. */
  replayed: boolean;
  /** The caller's counters for the batch, stored with it so a replay reports the first run's. */
  counts: Record<string, number>;
}

/** The stored result of an applied batch key, marked replayed; undefined when the key is new. */
export function storedResult<T extends { replayed: boolean }>(sql: SqlStorage, batchKey: string): T | undefined {
  const row = sql.exec<{ result: string }>("SELECT result FROM job_writes WHERE batch_key = ?", batchKey).toArray()[0];
  return row ? { ...(JSON.parse(row.result) as T), replayed: true } : undefined;
}

/**
 * Runs `write` in one transaction once per `batchKey` and stores its result with the key; a
 * key applied before returns the stored result (replayed) and writes nothing. `blobKeys` are
 * the R2 blobs put for the batch: deleted when the transaction fails or the key was applied
 * before. `write` adds to `drop` the blobs no row points to once it commits (unused new ones,
 * replaced old ones). Then the batch's audit events are forwarded (after-commit.ts).
 */
export async function applyOnce<T extends { replayed: boolean }>(
  ctx: DatasetObjectContext,
  batchKey: string,
  blobKeys: string[],
  write: (drop: string[]) => T,
): Promise<T> {
  const sql = ctx.storage.sql;
  const drop: string[] = [];
  let result: T;
  try {
    result = ctx.storage.transactionSync(() => {
      const again = storedResult<T>(sql, batchKey);
      if (again) {
        drop.push(...blobKeys);
        return again;
      }
      const out = write(drop);
      sql.exec(
        "INSERT INTO job_writes (batch_key, result, created_at) VALUES (?, ?, ?)",
        batchKey,
        JSON.stringify(out),
        new Date().toISOString(),
      );
      return out;
    });
  } catch (err) {
    await discardBlobs(ctx.env.BLOBS, blobKeys);
    throw err;
  }
  await discardBlobs(ctx.env.BLOBS, drop);
  await ctx.afterCommit.run();
  return result;
}

/**
 * Applies a batch once per `batchKey` (an empty batch too, to keep its `counts`); `audit` is
 * the batch's event, raised when something was written, with the counts added.
 */
export async function applyJobWrites(
  ctx: DatasetObjectContext,
  ref: DatasetRef,
  scope: AuditScope,
  batchKey: string,
  audit: AuditEntry,
  items: JobWrite[],
  counts: Record<string, number>,
): Promise<JobWriteResult> {
  const sql = ctx.storage.sql;
  const earlier = storedResult<JobWriteResult>(sql, batchKey);
  if (earlier) return earlier;
  const { version: keyVersion, key } = await ctx.keys.current(ref);
  const sealed = await Promise.all(
    items.map(async (item) => {
      const version = item.from_version + 1;
      const ct = await sealRecord(key, { ...ref, recordId: item.id, version }, item.canonical);
      const blobKey =
        ct.byteLength > INLINE_CIPHERTEXT_BYTES ? recordBlobKey(ref.tenantId, ref.datasetId, item.id, version) : null;
      return { item, version, ct, blobKey };
    }),
  );
  // New versions are re-indexed in the write's transaction, so an anonymized value stops matching.
  const docs = await ctx.search.prepare(sealed.map((s) => s.item.canonical));
  const blobKeys = await putBlobs(ctx.env.BLOBS, sealed);
  const now = new Date().toISOString();
  return applyOnce<JobWriteResult>(ctx, batchKey, blobKeys, (drop) => {
    let written = 0;
    let bytes = 0;
    for (const [i, s] of sealed.entries()) {
      const row = store.getRecordRow(sql, s.item.id);
      const next: store.RecordRow | null = row
        ? {
            ...row,
            version: s.version,
            key_version: keyVersion,
            updated_at: now,
            size: s.item.size,
            sha256: s.item.sha256,
            ciphertext: s.blobKey ? null : store.exactBuffer(s.ct),
            blob_key: s.blobKey,
          }
        : null;
      if (!row || !next || !store.updateRecordRow(sql, s.item.from_version, next)) {
        if (s.blobKey) drop.push(s.blobKey);
        continue;
      }
      ctx.search.put(row.seq, docs[i]);
      if (row.blob_key) drop.push(row.blob_key);
      written++;
      bytes += s.item.size - row.size;
    }
    const out: JobWriteResult = { written, conflicts: items.length - written, replayed: false, counts };
    addStats(sql, 0, bytes);
    if (written)
      ctx.afterCommit.auditInTransaction(scope, {
        ...audit,
        details: { ...audit.details, written, conflicts: out.conflicts },
      });
    return out;
  });
}
