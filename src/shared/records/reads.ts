/**
 * Reading records inside a DatasetObject: rows → ciphertext (row or R2) → plaintext. A
 * record that fails to decrypt is an integrity problem: audited, and a RecordIntegrityError without content.
 */
import type { AuditScope } from "../audit/append";
import { DecryptionError } from "../crypto/aes-gcm";
import { notFound } from "../errors";
import { RecordIntegrityError } from "./integrity-error";
import { getBlob } from "./blobs";
import { openRecord } from "./cipher";
import { MAX_PAGE_BYTES } from "./limits";
import type { DatasetObjectContext } from "./object-context";
import * as store from "./store";
import type { DatasetRef, OpenedRecord } from "./wire";

/**
 * Decrypts a row to its canonical JSON text.
 * @throws RecordIntegrityError (after auditing `record.integrity_failure`) when
 *   the ciphertext is missing, altered, moved or sealed under a key that no longer opens it.
 */
export async function openRow(
  ctx: DatasetObjectContext,
  ref: DatasetRef,
  scope: AuditScope,
  row: store.RecordRow,
): Promise<string> {
  try {
    const sealed = row.ciphertext
      ? new Uint8Array(row.ciphertext)
      : row.blob_key
        ? await getBlob(ctx.env.BLOBS, row.blob_key)
        : null;
    if (!sealed) throw new DecryptionError();
    const key = await ctx.keys.version(ref, row.key_version);
    return await openRecord(key, { ...ref, recordId: row.id, version: row.version }, sealed);
  } catch (err) {
    if (!(err instanceof DecryptionError)) throw err;
    ctx.storage.transactionSync(() =>
      ctx.afterCommit.auditInTransaction(scope, {
        action: "record.integrity_failure",
        outcome: "error",
        resource: { dataset_id: ref.datasetId, record_id: row.id },
        details: { version: row.version, key_version: row.key_version, location: row.blob_key ? "r2" : "row" },
      }),
    );
    await ctx.afterCommit.run();
    throw new RecordIntegrityError(
      `Record ${row.id} failed its integrity check and cannot be read. The event has been audited.`,
    );
  }
}

/** Like openRow, but null (still audited) when the record fails its integrity check: for scans that skip it. */
export async function openRowOrNull(
  ctx: DatasetObjectContext,
  ref: DatasetRef,
  scope: AuditScope,
  row: store.RecordRow,
): Promise<string | null> {
  try {
    return await openRow(ctx, ref, scope, row);
  } catch (err) {
    if (err instanceof RecordIntegrityError) return null;
    throw err;
  }
}

/** One decrypted record; 404 problem when there is none with this id. */
export async function getRecord(
  ctx: DatasetObjectContext,
  ref: DatasetRef,
  scope: AuditScope,
  recordId: string,
): Promise<OpenedRecord> {
  const row = store.getRecordRow(ctx.storage.sql, recordId);
  if (!row) throw notFound("The record");
  return { ...store.toMeta(row), data: await openRow(ctx, ref, scope, row) };
}

/**
 * Decrypted records after `afterSeq` in sequence order: at most `limit`, and fewer when
 * their sizes reach MAX_PAGE_BYTES (always at least one). `next` is the last seq
 * returned when more follow, else null.
 */
export async function listRecords(
  ctx: DatasetObjectContext,
  ref: DatasetRef,
  scope: AuditScope,
  afterSeq: number,
  limit: number,
): Promise<{ items: OpenedRecord[]; next: number | null }> {
  const rows = store.recordRowsAfter(ctx.storage.sql, afterSeq, limit + 1);
  const page: store.RecordRow[] = [];
  let bytes = 0;
  for (const row of rows.slice(0, limit)) {
    if (page.length > 0 && bytes + row.size > MAX_PAGE_BYTES) break;
    page.push(row);
    bytes += row.size;
  }
  // All opens at once: WebCrypto's decrypts need no ordering, and one await for the page
  // replaces a thousand sequential ones.
  const data = await Promise.all(page.map((row) => openRow(ctx, ref, scope, row)));
  const items = page.map((row, i): OpenedRecord => ({ ...store.toMeta(row), data: data[i] }));
  const more = rows.length > page.length;
  return { items, next: more && page.length ? page[page.length - 1].seq : null };
}
