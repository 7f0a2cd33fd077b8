/**
 * The DatasetObject's record rows, its meta table (dataset ref, next seq) and the
 * statements over them. Callers run the writing functions inside
 * `ctx.storage.transactionSync`, so a change, its counters (counters.ts), its idempotency
 * entry (idempotency-store.ts) and its audit outbox row commit together or not at all.
 */
import { blobRecordId } from "./blobs";
import type { DatasetRef, RecordMeta } from "./wire";

export type RecordRow = {
  seq: number;
  id: string;
  version: number;
  key_version: number;
  created_at: string;
  updated_at: string;
  size: number;
  sha256: string;
  /** iv || ciphertext || tag, or null when the ciphertext is in R2. */
  ciphertext: ArrayBuffer | null;
  /** R2 key of the ciphertext when it is too large for the row. */
  blob_key: string | null;
};

/** Values of the meta table. */
export function metaGet<T extends string | number>(sql: SqlStorage, key: string): T | undefined {
  const row = sql.exec<{ value: T }>("SELECT value FROM meta WHERE key = ?", key).toArray()[0];
  return row?.value;
}

export function metaSet(sql: SqlStorage, key: string, value: string | number): void {
  sql.exec(
    "INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
    key,
    value,
  );
}

/** The dataset this object was first written for, if it has been written to. */
export function storedRef(sql: SqlStorage): DatasetRef | null {
  const tenantId = metaGet<string>(sql, "tenant_id");
  const datasetId = metaGet<string>(sql, "dataset_id");
  return tenantId && datasetId ? { tenantId, datasetId } : null;
}

export function storeRef(sql: SqlStorage, ref: DatasetRef): void {
  metaSet(sql, "tenant_id", ref.tenantId);
  metaSet(sql, "dataset_id", ref.datasetId);
}

/** Takes the next `n` sequence numbers. Inside a transaction: a rolled-back write leaves no gap. */
export function takeSeqs(sql: SqlStorage, n: number): number {
  const first = metaGet<number>(sql, "next_seq") ?? 1;
  metaSet(sql, "next_seq", first + n);
  return first;
}

export function insertRecord(sql: SqlStorage, r: RecordRow): void {
  sql.exec(
    `INSERT INTO records (seq, id, version, key_version, created_at, updated_at, size, sha256, ciphertext, blob_key)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    r.seq,
    r.id,
    r.version,
    r.key_version,
    r.created_at,
    r.updated_at,
    r.size,
    r.sha256,
    r.ciphertext,
    r.blob_key,
  );
}

export function getRecordRow(sql: SqlStorage, id: string): RecordRow | undefined {
  return sql.exec<RecordRow>("SELECT * FROM records WHERE id = ?", id).toArray()[0] as RecordRow | undefined;
}

/** Rows after `afterSeq` in sequence order, at most `limit`. */
export function recordRowsAfter(sql: SqlStorage, afterSeq: number, limit: number): RecordRow[] {
  return sql
    .exec<RecordRow>("SELECT * FROM records WHERE seq > ? ORDER BY seq LIMIT ?", afterSeq, limit)
    .toArray() as RecordRow[];
}

/** Replaces a record's content if its version is still `fromVersion`; false when it moved on. */
export function updateRecordRow(sql: SqlStorage, fromVersion: number, r: RecordRow): boolean {
  const cursor = sql.exec(
    `UPDATE records SET version = ?, key_version = ?, updated_at = ?, size = ?, sha256 = ?, ciphertext = ?, blob_key = ?
     WHERE id = ? AND version = ?`,
    r.version,
    r.key_version,
    r.updated_at,
    r.size,
    r.sha256,
    r.ciphertext,
    r.blob_key,
    r.id,
    fromVersion,
  );
  return cursor.rowsWritten > 0;
}

/**
 * The keys among `keys` that no record row points at, so they may be deleted from R2. A key
 * names its record (blobs.ts), so each is checked by the indexed id, not by scanning rows.
 * Run it inside the transaction that last changed the rows, or after it commits.
 */
export function unreferencedBlobs(sql: SqlStorage, keys: string[]): string[] {
  return keys.filter((key) => {
    const id = blobRecordId(key);
    if (!id) return false;
    return sql.exec("SELECT 1 FROM records WHERE id = ? AND blob_key = ?", id, key).toArray().length === 0;
  });
}

export function deleteRecordRow(sql: SqlStorage, id: string): RecordRow | undefined {
  return sql.exec<RecordRow>("DELETE FROM records WHERE id = ? RETURNING *", id).toArray()[0] as RecordRow | undefined;
}

export const toMeta = (r: RecordRow): RecordMeta => ({
  id: r.id,
  seq: r.seq,
  version: r.version,
  created_at: r.created_at,
  updated_at: r.updated_at,
  size: r.size,
  sha256: r.sha256,
});

/** An ArrayBuffer holding exactly the view's bytes, as SQLite bindings need. */
export function exactBuffer(bytes: Uint8Array): ArrayBuffer {
  return bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength
    ? (bytes.buffer as ArrayBuffer)
    : (bytes.slice().buffer as ArrayBuffer);
}
