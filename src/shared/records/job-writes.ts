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
import type { PendingDoc } from "../search/dataset-search";
import type { DatasetObjectContext } from "./object-context";
import * as store from "./store";
import type { DatasetRef } from "./wire";

/** A record's new content, to apply only if the record is still at `from_version`. */
export interface JobWrite extends PreparedRecord {
  id: string;
  from_version: number;
}

/** A batch of job writes: its key (job, range, cursor), its audit event, the writes and the caller's counters. */
export interface JobWriteBatch {
  key: string;
  audit: AuditEntry;
  items: JobWrite[];
  counts: Record<string, number>;
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
 * the R2 blobs put for the batch (keys of this attempt alone, see recordBlobKey): deleted when
 * the transaction fails or the key was applied before. `write` adds to `drop` the blobs it
 * expects no row to point to once it commits (unused new ones, replaced old ones); of those
 * and of `blobKeys`, only the ones no row points to at the end of the transaction are
 * deleted. Then the batch's audit events are forwarded (after-commit.ts).
 */
export async function applyOnce<T extends { replayed: boolean }>(
  ctx: DatasetObjectContext,
  batchKey: string,
  blobKeys: string[],
  write: (drop: string[]) => T,
): Promise<T> {
  const sql = ctx.storage.sql;
  let drop: string[] = [];
  let result: T;
  try {
    result = ctx.storage.transactionSync(() => {
      const again = storedResult<T>(sql, batchKey);
      if (again) {
        drop = store.unreferencedBlobs(sql, blobKeys);
        return again;
      }
      const out = write(drop);
      sql.exec(
        "INSERT INTO job_writes (batch_key, result, created_at) VALUES (?, ?, ?)",
        batchKey,
        JSON.stringify(out),
        new Date().toISOString(),
      );
      drop = store.unreferencedBlobs(sql, drop);
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

/** Rows one UPDATE writes: 5 bound values each, plus 2, within the 100 a statement takes here. */
const ROWS_PER_UPDATE = 19;
/** Ids one lookup binds. */
const IDS_PER_SELECT = 100;

/** The version, size, seq and blob of each existing record among `ids` (the ciphertext is not read). */
function currentRows(sql: SqlStorage, ids: string[]) {
  type Current = Omit<store.RecordRow, "ciphertext">;
  const out = new Map<string, Current>();
  for (let i = 0; i < ids.length; i += IDS_PER_SELECT) {
    const part = ids.slice(i, i + IDS_PER_SELECT);
    const rows = sql.exec<Current>(
      `SELECT seq, id, version, key_version, created_at, updated_at, size, sha256, blob_key FROM records WHERE id IN (${part.map(() => "?").join(", ")})`,
      ...part,
    );
    for (const r of rows) out.set(r.id, r);
  }
  return out;
}

/**
 * Writes new versions of rows checked inside this transaction to be at `from_version`, in one
 * statement; the compare-and-set is repeated in it. Their ciphertexts stay in the row.
 */
function updateInline(
  sql: SqlStorage,
  keyVersion: number,
  now: string,
  batch: { item: JobWrite; ct: Uint8Array }[],
): void {
  const values = batch.map(() => "(?, ?, ?, ?, ?)").join(", ");
  const params = batch.flatMap((s) => [
    s.item.id,
    s.item.from_version,
    s.item.size,
    s.item.sha256,
    store.exactBuffer(s.ct),
  ]);
  const written = sql.exec(
    `UPDATE records SET version = v.column2 + 1, key_version = ?, updated_at = ?, size = v.column3, sha256 = v.column4,
       ciphertext = v.column5, blob_key = NULL
     FROM (VALUES ${values}) AS v WHERE records.id = v.column1 AND records.version = v.column2`,
    keyVersion,
    now,
    ...params,
  ).rowsWritten;
  // Checked in the same synchronous transaction just before: a difference is a bug, not a race.
  if (written !== batch.length) throw new Error(`job write-back updated ${written} of ${batch.length} rows`);
}

/**
 * Applies a batch once per its key (an empty batch too, to keep its `counts`); `audit` is
 * the batch's event, raised when something was written, with the counts added.
 */
export async function applyJobWrites(
  ctx: DatasetObjectContext,
  ref: DatasetRef,
  scope: AuditScope,
  batch: JobWriteBatch,
): Promise<JobWriteResult> {
  const { key: batchKey, audit, items, counts } = batch;
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
    const current = currentRows(
      sql,
      sealed.map((s) => s.item.id),
    );
    // Rows whose old and new ciphertexts both live in the row are updated many per statement.
    const inline: typeof sealed = [];
    const indexed: [number, PendingDoc][] = [];
    for (const [i, s] of sealed.entries()) {
      const row = current.get(s.item.id);
      if (!row || row.version !== s.item.from_version) {
        if (s.blobKey) drop.push(s.blobKey);
        continue;
      }
      if (!s.blobKey && !row.blob_key) inline.push(s);
      else {
        const next: store.RecordRow = {
          ...row,
          ciphertext: s.blobKey ? null : store.exactBuffer(s.ct),
          blob_key: s.blobKey,
          version: s.version,
          key_version: keyVersion,
          updated_at: now,
          size: s.item.size,
          sha256: s.item.sha256,
        };
        if (!store.updateRecordRow(sql, s.item.from_version, next)) {
          if (s.blobKey) drop.push(s.blobKey);
          continue;
        }
        if (row.blob_key) drop.push(row.blob_key);
      }
      indexed.push([row.seq, docs[i]]);
      written++;
      bytes += s.item.size - row.size;
    }
    for (let i = 0; i < inline.length; i += ROWS_PER_UPDATE)
      updateInline(sql, keyVersion, now, inline.slice(i, i + ROWS_PER_UPDATE));
    ctx.search.putMany(indexed);
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
