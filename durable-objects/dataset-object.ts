/**
 * DatasetObject: one per dataset (named `${tenantId}:${datasetId}`), the single writer of
 * its records. It seals records under the dataset's DEK (cached here as non-extractable
 * CryptoKeys), assigns sequence numbers, keeps large ciphertexts in R2, remembers
 * idempotency keys, writes audit events to its outbox in the same transaction as each
 * change, and copies its record count and bytes to D1 after every change.
 */
import { DurableObject } from "cloudflare:workers";
import { and, eq } from "drizzle-orm";
import { toEventInput, type AuditEntry, type AuditScope } from "../src/shared/audit/append";
import { createOutboxTable, enqueueOutbox, flushOutbox, OUTBOX_RETRY_MS } from "../src/shared/audit/outbox";
import { aad, DecryptionError, open, seal } from "../src/shared/crypto/aes-gcm";
import { db, schema } from "../src/shared/db/client";
import { notFound, preconditionFailed, ProblemError } from "../src/shared/errors";
import { newId } from "../src/shared/ids";
import { deleteBlobs, deletePrefix, datasetBlobPrefix, getBlob, recordBlobKey } from "../src/shared/records/blobs";
import { utf8 } from "../src/shared/records/canonical";
import { openRecord, sealRecord } from "../src/shared/records/cipher";
import type { PreparedRecord } from "../src/shared/records/ingest";
import { datasetKeyRow, rotateDatasetKey, unwrapDatasetKey } from "../src/shared/records/keys";
import { IDEMPOTENCY_TTL_MS, INLINE_CIPHERTEXT_BYTES, MAX_PAGE_BYTES } from "../src/shared/records/limits";
import { recordEtag } from "../src/shared/records/etag";
import * as store from "../src/shared/records/store";
import { schemaErrors, validatorFor } from "../src/shared/records/validate";
import {
  toWire,
  type CreateResult,
  type CreatedRecord,
  type DatasetRef,
  type IdempotencyClaim,
  type OpenedRecord,
  type Outcome,
  type RecordMeta,
  type VersionMatch,
} from "../src/shared/records/wire";
import type { ValidationChunk, ValidationReport } from "../src/shared/records/report";
import { DatasetSearch, type OpenedHit, type RebuildChunk, type SearchHitRef } from "../src/shared/search/dataset-search";
import { migrateSearchIndex } from "../src/shared/search/index-store";
import { deriveSearchKey } from "../src/shared/search/keys";
import type { QueryNode } from "../src/shared/search/query";

const decoder = new TextDecoder();
/** Records validated per queue message of a validation report. */
const REPORT_CHUNK_RECORDS = 500;
/** Failures kept (sealed) per report; the counters cover all of them. */
const REPORT_MAX_FAILURES = 1000;

interface Sealed {
  id: string;
  item: PreparedRecord;
  ct: Uint8Array;
  blobKey: string | null;
}

export class DatasetObject extends DurableObject<Env> {
  private ref: DatasetRef | null = null;
  /** Set once purge has wiped this object: it answers 404 from then on. */
  private purged = false;
  /** Unwrapped DEKs by version, non-extractable. */
  private keys = new Map<number, Promise<CryptoKey>>();
  private currentKeyVersion: number | null = null;
  /** D1 counter writes run one at a time so that a slower, older write cannot land last. */
  private statsChain: Promise<void> = Promise.resolve();
  private statsQueued: Promise<void> | null = null;
  /** The blind search index (src/shared/search); written in the same transaction as each record change. */
  private readonly search: DatasetSearch;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.search = new DatasetSearch({
      sql: ctx.storage.sql,
      searchKey: (version) => deriveSearchKey(this.env, this.ref!, version),
      currentKeyVersion: async () => (await this.currentKey(this.ref!)).version,
      transaction: (fn) => ctx.storage.transactionSync(fn),
    });
    ctx.blockConcurrencyWhile(async () => {
      store.migrateRecordStore(this.sql);
      createOutboxTable(this.sql);
      migrateSearchIndex(this.sql);
      this.ref = store.storedRef(this.sql);
    });
  }

  private get sql() {
    return this.ctx.storage.sql;
  }

  // ---- RPC: records ------------------------------------------------------------------

  /** The stored reply of an earlier request with this Idempotency-Key, or null. */
  async replay(ref: DatasetRef, claim: IdempotencyClaim): Promise<Outcome<CreateResult | null>> {
    return this.run(async () => {
      this.bind(ref, false);
      return this.replayFor(claim);
    });
  }

  /** Seals and stores records atomically, all or none; `batch` selects the audit event's shape. */
  async create(ref: DatasetRef, scope: AuditScope, items: PreparedRecord[], batch: boolean, claim: IdempotencyClaim | null): Promise<Outcome<CreateResult>> {
    return this.run(async () => {
      this.bind(ref, true);
      if (claim) {
        const earlier = this.replayFor(claim);
        if (earlier) return earlier;
      }
      const { version: keyVersion, key } = await this.currentKey(ref);
      const now = new Date().toISOString();
      const sealed: Sealed[] = await Promise.all(
        items.map(async (item) => {
          const id = newId("rec");
          const ct = await sealRecord(key, { ...ref, recordId: id, version: 1 }, item.canonical);
          return { id, item, ct, blobKey: ct.byteLength > INLINE_CIPHERTEXT_BYTES ? recordBlobKey(ref.tenantId, ref.datasetId, id, 1) : null };
        }),
      );
      const blobKeys = await this.putBlobs(sealed);
      let result: CreateResult;
      try {
        const docs = await this.search.prepare(sealed.map((s) => s.item.canonical));
        result = this.ctx.storage.transactionSync(() => {
          // Checked again inside the transaction: a concurrent retry may have won meanwhile.
          if (claim) {
            const earlier = this.replayFor(claim);
            if (earlier) return earlier;
          }
          const first = store.takeSeqs(this.sql, sealed.length);
          const out: CreatedRecord[] = sealed.map((s, i) => {
            store.insertRecord(this.sql, {
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
            this.search.put(first + i, docs[i]);
            return { id: s.id, seq: first + i, version: 1, created_at: now };
          });
          const bytes = sealed.reduce((n, s) => n + s.item.size, 0);
          store.addStats(this.sql, out.length, bytes);
          const last = out[out.length - 1];
          this.audit(
            scope,
            batch
              ? {
                  action: "record.batch_create",
                  resource: { dataset_id: ref.datasetId },
                  details: { count: out.length, bytes, first_id: out[0].id, last_id: last.id, first_seq: out[0].seq, last_seq: last.seq },
                }
              : { action: "record.create", resource: { dataset_id: ref.datasetId, record_id: last.id }, details: { seq: last.seq, version: 1, bytes } },
          );
          if (claim) {
            store.pruneIdempotency(this.sql, Date.now() - IDEMPOTENCY_TTL_MS);
            store.rememberIdempotency(this.sql, claim.key, claim.fingerprint, JSON.stringify(out), Date.now());
          }
          return { items: out, replayed: false };
        });
      } catch (err) {
        await deleteBlobs(this.env.BLOBS, blobKeys).catch(() => undefined);
        throw err;
      }
      if (result.replayed) {
        await deleteBlobs(this.env.BLOBS, blobKeys).catch(() => undefined);
        return result;
      }
      await this.afterChange();
      return result;
    });
  }

  /** One decrypted record. */
  async get(ref: DatasetRef, scope: AuditScope, recordId: string): Promise<Outcome<OpenedRecord>> {
    return this.run(async () => {
      this.bind(ref, false);
      const row = store.getRecordRow(this.sql, recordId);
      if (!row) throw notFound("The record");
      return { ...store.toMeta(row), data: await this.openRow(ref, scope, row) };
    });
  }

  /**
   * Decrypted records after `afterSeq` in sequence order: at most `limit`, and fewer when
   * their sizes reach MAX_PAGE_BYTES (always at least one). `next` is the last seq
   * returned when more follow, else null.
   */
  async list(ref: DatasetRef, scope: AuditScope, afterSeq: number, limit: number): Promise<Outcome<{ items: OpenedRecord[]; next: number | null }>> {
    return this.run(async () => {
      this.bind(ref, false);
      const rows = store.recordRowsAfter(this.sql, afterSeq, limit + 1);
      const page: store.RecordRow[] = [];
      let bytes = 0;
      for (const row of rows.slice(0, limit)) {
        if (page.length > 0 && bytes + row.size > MAX_PAGE_BYTES) break;
        page.push(row);
        bytes += row.size;
      }
      const items: OpenedRecord[] = [];
      for (const row of page) items.push({ ...store.toMeta(row), data: await this.openRow(ref, scope, row) });
      const more = rows.length > page.length;
      return { items, next: more && page.length ? page[page.length - 1].seq : null };
    });
  }

  /** Replaces a record's data if its version matches; the version goes up by one. */
  async update(ref: DatasetRef, scope: AuditScope, recordId: string, match: VersionMatch, item: PreparedRecord): Promise<Outcome<RecordMeta>> {
    return this.run(async () => {
      this.bind(ref, true);
      const row = store.getRecordRow(this.sql, recordId);
      if (!row) throw notFound("The record");
      this.checkMatch(row, match);
      const version = row.version + 1;
      const { version: keyVersion, key } = await this.currentKey(ref);
      const ct = await sealRecord(key, { ...ref, recordId, version }, item.canonical);
      const blobKey = ct.byteLength > INLINE_CIPHERTEXT_BYTES ? recordBlobKey(ref.tenantId, ref.datasetId, recordId, version) : null;
      const blobKeys = await this.putBlobs([{ id: recordId, item, ct, blobKey }]);
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
      try {
        const [doc] = await this.search.prepare([item.canonical]);
        this.ctx.storage.transactionSync(() => {
          // Another update may have committed while this one was sealing.
          if (!store.replaceRecord(this.sql, row.version, next)) {
            const now = store.getRecordRow(this.sql, recordId);
            if (!now) throw notFound("The record");
            throw this.stale(now);
          }
          this.search.put(row.seq, doc);
          store.addStats(this.sql, 0, item.size - row.size);
          this.audit(scope, { action: "record.update", resource: { dataset_id: ref.datasetId, record_id: recordId }, details: { version, bytes: item.size } });
        });
      } catch (err) {
        await deleteBlobs(this.env.BLOBS, blobKeys).catch(() => undefined);
        throw err;
      }
      if (row.blob_key) await deleteBlobs(this.env.BLOBS, [row.blob_key]).catch(() => undefined);
      await this.afterChange();
      return store.toMeta(next);
    });
  }

  /** Deletes a record (if its version matches, when a match is given). */
  async remove(ref: DatasetRef, scope: AuditScope, recordId: string, match: VersionMatch | null): Promise<Outcome<null>> {
    return this.run(async () => {
      this.bind(ref, true);
      const row = this.ctx.storage.transactionSync(() => {
        const current = store.getRecordRow(this.sql, recordId);
        if (!current) throw notFound("The record");
        if (match) this.checkMatch(current, match);
        store.deleteRecordRow(this.sql, recordId);
        this.search.remove(current.seq);
        store.addStats(this.sql, -1, -current.size);
        this.audit(scope, { action: "record.delete", resource: { dataset_id: ref.datasetId, record_id: recordId }, details: { version: current.version } });
        return current;
      });
      if (row.blob_key) await deleteBlobs(this.env.BLOBS, [row.blob_key]).catch(() => undefined);
      await this.afterChange();
      return null;
    });
  }

  // ---- RPC: keys and purge -----------------------------------------------------------

  /** Adds a DEK version; new writes use it, records sealed under older versions still open. */
  async rotateKey(ref: DatasetRef): Promise<Outcome<{ key_version: number; created_at: string }>> {
    return this.run(async () => {
      this.bind(ref, false);
      const next = await rotateDatasetKey(this.env, ref.tenantId, ref.datasetId);
      this.keys.set(next.row.version, Promise.resolve(next.key));
      this.currentKeyVersion = next.row.version;
      return { key_version: next.row.version, created_at: next.row.createdAt };
    });
  }

  /**
   * Wipes the object: forwards pending audit events first (if that fails nothing is
   * deleted and the caller retries), then deletes the dataset's R2 blobs and all of this
   * object's storage. The DEKs in D1 are shredded by the caller afterwards.
   */
  async purge(ref: DatasetRef): Promise<Outcome<{ blobs_deleted: number }>> {
    return this.run(async () => {
      if (this.purged) return { blobs_deleted: 0 };
      this.bind(ref, false);
      await this.statsChain;
      await this.flushOrFail();
      const blobsDeleted = await deletePrefix(this.env.BLOBS, datasetBlobPrefix(ref.tenantId, ref.datasetId));
      // A write that committed while the blobs were deleted has its event forwarded too.
      await this.flushOrFail();
      this.purged = true;
      await this.ctx.storage.deleteAlarm();
      await this.ctx.storage.deleteAll();
      this.keys.clear();
      this.currentKeyVersion = null;
      return { blobs_deleted: blobsDeleted };
    });
  }

  // ---- RPC: validation report --------------------------------------------------------

  /** Starts a validation report of every stored record against `schemaText`, replacing any earlier one. */
  async startReport(ref: DatasetRef, jobId: string, schemaText: string): Promise<Outcome<null>> {
    return this.run(async () => {
      this.bind(ref, true);
      const { version } = await this.currentKey(ref);
      this.ctx.storage.transactionSync(() => {
        this.sql.exec("DELETE FROM validation_failures");
        this.sql.exec(
          `INSERT OR REPLACE INTO validation_report (id, job_id, schema, status, through_seq, checked, invalid, key_version, started_at, finished_at)
           VALUES (1, ?, ?, 'running', 0, 0, 0, ?, ?, NULL)`,
          jobId,
          schemaText,
          version,
          new Date().toISOString(),
        );
      });
      return null;
    });
  }

  /**
   * Validates the next records of a running report. Idempotent under redelivery: records
   * at or before the report's `through_seq` were counted already and are not counted twice.
   */
  async validateChunk(ref: DatasetRef, scope: AuditScope, jobId: string): Promise<Outcome<ValidationChunk>> {
    return this.run(async () => {
      this.bind(ref, false);
      const report = this.reportRow();
      if (!report || report.job_id !== jobId || report.status !== "running") return { done: true, checked: 0, invalid: 0 };
      const rows = store.recordRowsAfter(this.sql, report.through_seq, REPORT_CHUNK_RECORDS);
      const validator = validatorFor(report.schema);
      const key = await this.keyFor(ref, report.key_version);
      const failures: { seq: number; id: string; sealed: Uint8Array }[] = [];
      let bytes = 0;
      let checked = 0;
      for (const row of rows) {
        if (checked > 0 && bytes + row.size > MAX_PAGE_BYTES) break;
        const errors = await this.reportErrors(ref, scope, row, validator);
        if (errors.length) {
          const sealed = await seal(key, utf8(JSON.stringify(errors)), this.failureAad(ref, jobId, row.seq));
          failures.push({ seq: row.seq, id: row.id, sealed });
        }
        bytes += row.size;
        checked++;
      }
      const through = checked ? rows[checked - 1].seq : report.through_seq;
      const done = checked === rows.length && rows.length < REPORT_CHUNK_RECORDS;
      const counted = this.ctx.storage.transactionSync(() => {
        // A redelivered or concurrent chunk that lost the race counts nothing.
        const current = this.reportRow();
        if (!current || current.job_id !== jobId || current.through_seq !== report.through_seq) return false;
        let stored = this.sql.exec<{ n: number }>("SELECT count(*) AS n FROM validation_failures").one().n;
        for (const f of failures) {
          if (stored >= REPORT_MAX_FAILURES) break;
          this.sql.exec("INSERT OR REPLACE INTO validation_failures (seq, record_id, sealed_errors) VALUES (?, ?, ?)", f.seq, f.id, store.exactBuffer(f.sealed));
          stored++;
        }
        this.sql.exec(
          `UPDATE validation_report SET through_seq = ?, checked = checked + ?, invalid = invalid + ?, status = ?, finished_at = ? WHERE id = 1`,
          through,
          checked,
          failures.length,
          done ? "complete" : "running",
          done ? new Date().toISOString() : null,
        );
        return true;
      });
      if (!counted) return { done: false, checked: 0, invalid: 0 };
      return { done, checked, invalid: failures.length };
    });
  }

  /** The latest validation report, with a page of its failures (decrypted). */
  async report(ref: DatasetRef, afterSeq: number, limit: number): Promise<Outcome<ValidationReport>> {
    return this.run(async () => {
      this.bind(ref, false);
      const report = this.reportRow();
      if (!report) throw notFound("A validation report of this dataset");
      const key = await this.keyFor(ref, report.key_version);
      const rows = this.sql
        .exec<{ seq: number; record_id: string; sealed_errors: ArrayBuffer }>(
          "SELECT seq, record_id, sealed_errors FROM validation_failures WHERE seq > ? ORDER BY seq LIMIT ?",
          afterSeq,
          limit + 1,
        )
        .toArray();
      const items = [];
      for (const r of rows.slice(0, limit)) {
        const text = decoder.decode(await open(key, new Uint8Array(r.sealed_errors), this.failureAad(ref, report.job_id, r.seq)));
        items.push({ record_id: r.record_id, seq: r.seq, errors: JSON.parse(text) });
      }
      return {
        job_id: report.job_id,
        status: report.status,
        checked: report.checked,
        invalid: report.invalid,
        started_at: report.started_at,
        finished_at: report.finished_at,
        items,
        next: rows.length > limit ? rows[limit - 1].seq : null,
      };
    });
  }

  // ---- RPC: search (src/shared/search/dataset-search.ts does the work) ----------------

  /** Phase one of a search: up to `limit` matches after `after`, best first. */
  async searchHits(ref: DatasetRef, query: QueryNode, after: { bm25: number; seq: number } | null, limit: number): Promise<Outcome<SearchHitRef[]>> {
    return this.run(async () => {
      this.bind(ref, false);
      return this.search.hits(query, after, limit);
    });
  }

  /** Phase two: the chosen matches decrypted, with snippets. */
  async openSearchHits(ref: DatasetRef, scope: AuditScope, query: QueryNode, seqs: number[]): Promise<Outcome<OpenedHit[]>> {
    return this.run(async () => {
      this.bind(ref, false);
      return this.search.open(query, seqs, (row) => this.openOrSkip(ref, scope, row));
    });
  }

  /** Starts rebuilding the index under the newest key and `paths` (JSON array text). */
  async startSearchRebuild(ref: DatasetRef, jobId: string | null, paths: string): Promise<Outcome<null>> {
    return this.run(async () => {
      this.bind(ref, true);
      await this.search.startRebuild(jobId, paths);
      return null;
    });
  }

  /** One chunk (at most `maxRecords` records) of a rebuild job. */
  async searchRebuildChunk(ref: DatasetRef, scope: AuditScope, jobId: string, maxRecords?: number): Promise<Outcome<RebuildChunk>> {
    return this.run(async () => {
      this.bind(ref, false);
      return this.search.rebuildChunk(jobId, (row) => this.openOrSkip(ref, scope, row), maxRecords);
    });
  }

  /** Deletes the index (search turned off). */
  async dropSearchIndex(ref: DatasetRef): Promise<Outcome<null>> {
    return this.run(async () => {
      this.bind(ref, false);
      this.ctx.storage.transactionSync(() => this.search.drop());
      return null;
    });
  }

  // ---- alarm -------------------------------------------------------------------------

  /** Retries what could not be done right after a change: forwarding audit events and the D1 counters. */
  override async alarm(): Promise<void> {
    if (this.purged) return;
    const results = await Promise.allSettled([flushOutbox(this.sql, this.env), this.syncStats()]);
    if (results.some((r) => r.status === "rejected")) await this.ctx.storage.setAlarm(Date.now() + OUTBOX_RETRY_MS);
  }

  // ---- internals ---------------------------------------------------------------------

  /** Runs an RPC body, returning ProblemErrors as values (they do not survive RPC as exceptions). */
  private async run<T>(body: () => Promise<T>): Promise<Outcome<T>> {
    try {
      return { ok: true, value: await body() };
    } catch (err) {
      if (err instanceof ProblemError) return { ok: false, problem: toWire(err) };
      throw err;
    }
  }

  /** Checks the caller addresses this object's dataset; a write records it for the alarm. */
  private bind(ref: DatasetRef, write: boolean): void {
    if (this.purged) throw notFound("The dataset");
    if (this.ref && (this.ref.tenantId !== ref.tenantId || this.ref.datasetId !== ref.datasetId)) {
      throw new Error("DatasetObject addressed with the ids of another dataset");
    }
    if (!this.ref) this.ref = ref;
    if (write && !store.storedRef(this.sql)) store.storeRef(this.sql, ref);
  }

  private replayFor(claim: IdempotencyClaim): CreateResult | null {
    const entry = store.idempotencyEntry(this.sql, claim.key);
    if (!entry) return null;
    if (entry.fingerprint !== claim.fingerprint) {
      throw new ProblemError(422, "idempotency-key-reused", {
        detail: "This Idempotency-Key was already used with a different request; use a new key for a new request.",
      });
    }
    return { items: JSON.parse(entry.response) as CreatedRecord[], replayed: true };
  }

  private async currentKey(ref: DatasetRef): Promise<{ version: number; key: CryptoKey }> {
    if (this.currentKeyVersion === null) {
      const row = await datasetKeyRow(this.env.DB, ref.tenantId, ref.datasetId);
      if (!this.keys.has(row.version)) this.remember(row.version, unwrapDatasetKey(this.env, row));
      this.currentKeyVersion = Math.max(this.currentKeyVersion ?? 0, row.version);
    }
    const version = this.currentKeyVersion;
    return { version, key: await this.keyFor(ref, version) };
  }

  private keyFor(ref: DatasetRef, version: number): Promise<CryptoKey> {
    const hit = this.keys.get(version);
    if (hit) return hit;
    return this.remember(
      version,
      datasetKeyRow(this.env.DB, ref.tenantId, ref.datasetId, version).then((row) => unwrapDatasetKey(this.env, row)),
    );
  }

  private remember(version: number, key: Promise<CryptoKey>): Promise<CryptoKey> {
    key.catch(() => this.keys.delete(version));
    this.keys.set(version, key);
    return key;
  }

  /** Decrypts a row to canonical JSON. Any failure is an integrity problem: audited, and a 500 without content. */
  private async openRow(ref: DatasetRef, scope: AuditScope, row: store.RecordRow): Promise<string> {
    try {
      const sealed = row.ciphertext ? new Uint8Array(row.ciphertext) : row.blob_key ? await getBlob(this.env.BLOBS, row.blob_key) : null;
      if (!sealed) throw new DecryptionError();
      const key = await this.keyFor(ref, row.key_version);
      return await openRecord(key, { ...ref, recordId: row.id, version: row.version }, sealed);
    } catch (err) {
      if (!(err instanceof DecryptionError)) throw err;
      this.ctx.storage.transactionSync(() =>
        this.audit(scope, {
          action: "record.integrity_failure",
          outcome: "error",
          resource: { dataset_id: ref.datasetId, record_id: row.id },
          details: { version: row.version, key_version: row.key_version, location: row.blob_key ? "r2" : "row" },
        }),
      );
      await this.afterChange();
      throw new ProblemError(500, "decryption-failed", {
        detail: `Record ${row.id} failed its integrity check and cannot be read. The event has been audited.`,
      });
    }
  }

  /** A record's canonical JSON, or null (audited) when it fails its integrity check. */
  private async openOrSkip(ref: DatasetRef, scope: AuditScope, row: store.RecordRow): Promise<string | null> {
    try {
      return await this.openRow(ref, scope, row);
    } catch (err) {
      if (err instanceof ProblemError && err.slug === "decryption-failed") return null;
      throw err;
    }
  }

  private async putBlobs(sealed: Sealed[]): Promise<string[]> {
    const large = sealed.filter((s) => s.blobKey);
    const done: string[] = [];
    try {
      await Promise.all(
        large.map(async (s) => {
          await this.env.BLOBS.put(s.blobKey!, s.ct);
          done.push(s.blobKey!);
        }),
      );
    } catch (err) {
      await deleteBlobs(this.env.BLOBS, done).catch(() => undefined);
      throw err;
    }
    return done;
  }

  private checkMatch(row: store.RecordRow, match: VersionMatch): void {
    if (match !== "*" && !match.includes(row.version)) throw this.stale(row);
  }

  private stale(row: store.RecordRow): ProblemError {
    const err = preconditionFailed(`The record is at version ${row.version}; read it again and send If-Match: ${recordEtag(row.version)}.`);
    return new ProblemError(err.status, err.slug, { detail: err.detail, headers: { ETag: recordEtag(row.version) } });
  }

  /** Writes an audit event to the outbox; call inside the change's transaction. */
  private audit(scope: AuditScope, entry: AuditEntry): void {
    enqueueOutbox(this.sql, toEventInput(scope, entry));
  }

  /** After a committed change: forward its audit event and copy the counters to D1; the alarm retries failures. */
  private async afterChange(): Promise<void> {
    const results = await Promise.allSettled([flushOutbox(this.sql, this.env), this.syncStats()]);
    if (results.some((r) => r.status === "rejected")) await this.ctx.storage.setAlarm(Date.now() + OUTBOX_RETRY_MS);
  }

  private async flushOrFail(): Promise<void> {
    try {
      await flushOutbox(this.sql, this.env);
    } catch (cause) {
      throw new ProblemError(503, "audit-unavailable", { detail: "Pending audit events could not be forwarded, so nothing was purged. Retry later.", cause });
    }
  }

  /**
   * Queues a D1 write of the current counters. Writes run one after another and each reads
   * the counters when it starts, so the last one to land carries the newest values; a
   * request arriving while one is queued (not started) shares it.
   */
  private syncStats(): Promise<void> {
    if (this.statsQueued) return this.statsQueued;
    const run = this.statsChain.then(() => {
      this.statsQueued = null;
      return this.writeStats();
    });
    this.statsQueued = run;
    this.statsChain = run.catch(() => undefined);
    return run;
  }

  private async writeStats(): Promise<void> {
    const ref = this.ref;
    if (!ref || this.purged) return;
    const s = store.stats(this.sql);
    await db(this.env.DB)
      .update(schema.datasets)
      .set({ recordCount: s.recordCount, bytes: s.bytes })
      .where(and(eq(schema.datasets.id, ref.datasetId), eq(schema.datasets.tenantId, ref.tenantId)));
  }

  /** Schema errors of a stored record; a record that fails its integrity check is reported, not fatal. */
  private async reportErrors(ref: DatasetRef, scope: AuditScope, row: store.RecordRow, validator: ReturnType<typeof validatorFor>) {
    try {
      return schemaErrors(validator, JSON.parse(await this.openRow(ref, scope, row)), "$");
    } catch (err) {
      if (err instanceof ProblemError && err.slug === "decryption-failed") return [{ path: "$", message: "The record failed its integrity check." }];
      throw err;
    }
  }

  private reportRow() {
    return this.sql
      .exec<{
        job_id: string;
        schema: string;
        status: "running" | "complete";
        through_seq: number;
        checked: number;
        invalid: number;
        key_version: number;
        started_at: string;
        finished_at: string | null;
      }>("SELECT * FROM validation_report WHERE id = 1")
      .toArray()[0];
  }

  private failureAad(ref: DatasetRef, jobId: string, seq: number) {
    return aad("validation-failure", ref.tenantId, ref.datasetId, jobId, seq);
  }
}
