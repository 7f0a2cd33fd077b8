/**
 * Writing records inside a DatasetObject: seal under the current DEK, put large
 * ciphertexts in R2, then commit rows, counters, idempotency entry and audit outbox event
 * in one transaction. Blobs of a write that does not commit are deleted again. The search
 * index's blind tokens are computed before the transaction (they need WebCrypto) and
 * written inside it, so a record and its index entry commit together.
 */
import type { AuditScope } from "../audit/append";
import { notFound, preconditionFailed, ProblemError } from "../errors";
import { newId } from "../ids";
import { discardBlobs, putBlobs, recordBlobKey } from "./blobs";
import { sealRecord } from "./cipher";
import { addStats } from "./counters";
import { recordEtag } from "./etag";
import { rememberReply, replayFor } from "./idempotency-store";
import type { PreparedRecord } from "./ingest";
import { INLINE_CIPHERTEXT_BYTES } from "./limits";
import type { DatasetObjectContext } from "./object-context";
import * as store from "./store";
import type { CreatedRecord, CreateResult, DatasetRef, IdempotencyClaim, RecordMeta, VersionMatch } from "./wire";

interface Sealed {
  id: string;
  item: PreparedRecord;
  ct: Uint8Array;
  blobKey: string | null;
}

const blobKeyFor = (ref: DatasetRef, recordId: string, version: number, ct: Uint8Array) =>
  ct.byteLength > INLINE_CIPHERTEXT_BYTES ? recordBlobKey(ref.tenantId, ref.datasetId, recordId, version) : null;

/**
 * Seals and stores records atomically, all or none, with consecutive seqs; `batch` selects
 * the audit event's shape (`record.batch_create` or `record.create`). With a claim, a key
 * already answered returns the stored reply and writes nothing.
 * @throws ProblemError 422 `idempotency-key-reused`; 404 when the dataset has no keys (purged).
 */
export async function createRecords(
  ctx: DatasetObjectContext,
  ref: DatasetRef,
  scope: AuditScope,
  items: PreparedRecord[],
  batch: boolean,
  claim: IdempotencyClaim | null,
): Promise<CreateResult> {
  const sql = ctx.storage.sql;
  if (claim) {
    const earlier = replayFor(sql, claim);
    if (earlier) return earlier;
  }
  const { version: keyVersion, key } = await ctx.keys.current(ref);
  const now = new Date().toISOString();
  const sealed: Sealed[] = await Promise.all(
    items.map(async (item) => {
      const id = newId("rec");
      const ct = await sealRecord(key, { ...ref, recordId: id, version: 1 }, item.canonical);
      return { id, item, ct, blobKey: blobKeyFor(ref, id, 1, ct) };
    }),
  );
  const blobKeys = await putBlobs(ctx.env.BLOBS, sealed);
  let result: CreateResult;
  try {
    const docs = await ctx.search.prepare(sealed.map((s) => s.item.canonical));
    result = ctx.storage.transactionSync(() => {
      // Checked again inside the transaction: a concurrent retry may have won meanwhile.
      if (claim) {
        const earlier = replayFor(sql, claim);
        if (earlier) return earlier;
      }
      const first = store.takeSeqs(sql, sealed.length);
      const out: CreatedRecord[] = sealed.map((s, i) => {
        store.insertRecord(sql, {
          seq: first + i,
          id: s.id,
          version: 1,
          key_version: keyVersion,
          created_at: now,
          updated_at: now,
          size: s.item.size,
          sha256: s.item.sha256,
          ciphertext: s.blobKey ? null : store.exactBuffer(s.ct),
          blob_key: s.blobKey,
        });
        ctx.search.put(first + i, docs[i]);
        return { id: s.id, seq: first + i, version: 1, created_at: now };
      });
      const bytes = sealed.reduce((n, s) => n + s.item.size, 0);
      addStats(sql, out.length, bytes);
      const last = out[out.length - 1];
      ctx.afterCommit.auditInTransaction(
        scope,
        batch
          ? {
              action: "record.batch_create",
              resource: { dataset_id: ref.datasetId },
              details: {
                count: out.length,
                bytes,
                first_id: out[0].id,
                last_id: last.id,
                first_seq: out[0].seq,
                last_seq: last.seq,
              },
            }
          : {
              action: "record.create",
              resource: { dataset_id: ref.datasetId, record_id: last.id },
              details: { seq: last.seq, version: 1, bytes },
            },
      );
      if (claim) rememberReply(sql, claim, out);
      return { items: out, replayed: false };
    });
  } catch (err) {
    await discardBlobs(ctx.env.BLOBS, blobKeys);
    throw err;
  }
  if (result.replayed) {
    await discardBlobs(ctx.env.BLOBS, blobKeys);
    return result;
  }
  await ctx.afterCommit.run({ replyFirst: true });
  return result;
}

/**
 * Replaces a record's data if its version matches; the version goes up by one.
 * @throws ProblemError 404 when there is no such record; 412 (with the current ETag) when stale.
 */
export async function updateRecord(
  ctx: DatasetObjectContext,
  ref: DatasetRef,
  scope: AuditScope,
  recordId: string,
  match: VersionMatch,
  item: PreparedRecord,
): Promise<RecordMeta> {
  const sql = ctx.storage.sql;
  const row = store.getRecordRow(sql, recordId);
  if (!row) throw notFound("The record");
  checkMatch(row, match);
  const version = row.version + 1;
  const { version: keyVersion, key } = await ctx.keys.current(ref);
  const ct = await sealRecord(key, { ...ref, recordId, version }, item.canonical);
  const blobKey = blobKeyFor(ref, recordId, version, ct);
  const blobKeys = await putBlobs(ctx.env.BLOBS, [{ ct, blobKey }]);
  const now = new Date().toISOString();
  const next: store.RecordRow = {
    ...row,
    version,
    key_version: keyVersion,
    updated_at: now,
    size: item.size,
    sha256: item.sha256,
    ciphertext: blobKey ? null : store.exactBuffer(ct),
    blob_key: blobKey,
  };
  let replaced: string | null;
  try {
    const [doc] = await ctx.search.prepare([item.canonical]);
    replaced = ctx.storage.transactionSync(() => {
      // Another update may have committed while this one was sealing; a re-encrypt may have
      // moved the same version to another blob, so the blob replaced is the one read here.
      const current = store.getRecordRow(sql, recordId);
      if (!current) throw notFound("The record");
      if (!store.updateRecordRow(sql, row.version, next)) throw stale(current);
      ctx.search.put(row.seq, doc);
      addStats(sql, 0, item.size - row.size);
      ctx.afterCommit.auditInTransaction(scope, {
        action: "record.update",
        resource: { dataset_id: ref.datasetId, record_id: recordId },
        details: { version, bytes: item.size },
      });
      return current.blob_key;
    });
  } catch (err) {
    // This write's own blob (its key is never reused), so no row points at it.
    await discardBlobs(ctx.env.BLOBS, blobKeys);
    throw err;
  }
  if (replaced) await discardBlobs(ctx.env.BLOBS, [replaced]);
  await ctx.afterCommit.run({ replyFirst: true });
  return store.toMeta(next);
}

/**
 * Deletes a record (if its version matches, when a match is given).
 * @throws ProblemError 404 when there is no such record; 412 when stale.
 */
export async function deleteRecord(
  ctx: DatasetObjectContext,
  ref: DatasetRef,
  scope: AuditScope,
  recordId: string,
  match: VersionMatch | null,
): Promise<null> {
  const sql = ctx.storage.sql;
  const row = ctx.storage.transactionSync(() => {
    const current = store.getRecordRow(sql, recordId);
    if (!current) throw notFound("The record");
    if (match) checkMatch(current, match);
    store.deleteRecordRow(sql, recordId);
    ctx.search.remove(current.seq);
    addStats(sql, -1, -current.size);
    ctx.afterCommit.auditInTransaction(scope, {
      action: "record.delete",
      resource: { dataset_id: ref.datasetId, record_id: recordId },
      details: { version: current.version },
    });
    return current;
  });
  if (row.blob_key) await discardBlobs(ctx.env.BLOBS, [row.blob_key]);
  await ctx.afterCommit.run({ replyFirst: true });
  return null;
}

function checkMatch(row: store.RecordRow, match: VersionMatch): void {
  if (match !== "*" && !match.includes(row.version)) throw stale(row);
}

function stale(row: store.RecordRow): ProblemError {
  const etag = recordEtag(row.version);
  const err = preconditionFailed(`The record is at version ${row.version}; read it again and send If-Match: ${etag}.`);
  return new ProblemError(err.status, err.slug, { detail: err.detail, headers: { ETag: etag } });
}
