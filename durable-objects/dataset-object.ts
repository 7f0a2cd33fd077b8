/**
 * DatasetObject: one per dataset (named `${tenantId}:${datasetId}`), the single writer of
 * its records. A thin RPC surface: it binds each call to its dataset, refuses calls once
 * purged, and delegates to the store modules in src/shared/records (see its README):
 * writes.ts / reads.ts (records), dek-cache.ts (DEKs), blobs.ts (R2), idempotency-store.ts,
 * after-commit.ts (audit outbox forwarding), counters.ts (D1 counters), report-store.ts
 * (validation reports) and wipe.ts (purge); src/shared/search/dataset-search.ts keeps the blind
 * search index. Problems travel back as values (wire.ts). Its schema is the migration list in
 * migrations/dataset-object.ts.
 */
import { DurableObject } from "cloudflare:workers";
import type { AuditScope } from "../src/shared/audit/append";
import { migrateObject } from "../src/shared/db/object-migrations";
import { notFound } from "../src/shared/errors";
import { AfterCommit } from "../src/shared/records/after-commit";
import { CounterSync } from "../src/shared/records/counters";
import { DekCache } from "../src/shared/records/dek-cache";
import { claimJobKey, releaseJobKey, replayFor } from "../src/shared/records/idempotency-store";
import { applyJobWrites, type JobWriteBatch, type JobWriteResult } from "../src/shared/records/job-writes";
import {
  keyVersionsInUse,
  reencryptBatch,
  type ReencryptResult,
  type ReencryptWindow,
} from "../src/shared/records/reencrypt";
import type { PreparedRecord } from "../src/shared/records/ingest";
import type { DatasetObjectContext } from "../src/shared/records/object-context";
import { getRecord, listRecords, openRowOrNull } from "../src/shared/records/reads";
import type { ValidationChunk, ValidationReport } from "../src/shared/records/report";
import { reportPage, startReport, validateChunk } from "../src/shared/records/report-store";
import * as store from "../src/shared/records/store";
import * as bulk from "../src/shared/records/bulk-write";
import { wipeObject } from "../src/shared/records/wipe";
import {
  outcomeOf,
  type CreateResult,
  type DatasetRef,
  type IdempotencyClaim,
  type OpenedRecord,
  type Outcome,
  type RecordMeta,
  type VersionMatch,
} from "../src/shared/records/wire";
import { createRecords, deleteRecord, updateRecord } from "../src/shared/records/writes";
import {
  DatasetSearch,
  type OpenedHit,
  type RebuildChunk,
  type SearchHitRef,
} from "../src/shared/search/dataset-search";
import { deriveSearchKey } from "../src/shared/search/keys";
import type { QueryNode } from "../src/shared/search/query";
import { DATASET_OBJECT_MIGRATIONS } from "./migrations/dataset-object";

export class DatasetObject extends DurableObject<Env> {
  private ref: DatasetRef | null = null;
  /** Set once purge has wiped this object: it answers 404 from then on. */
  private purged = false;
  private readonly records: DatasetObjectContext;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    const counters = new CounterSync(ctx.storage.sql, env.DB, () => (this.purged ? null : this.ref));
    const keys = new DekCache(env);
    this.records = {
      storage: ctx.storage,
      env,
      keys,
      counters,
      afterCommit: new AfterCommit(ctx.storage, env, counters),
      // Search keys are used only by calls that have bound `ref` first.
      search: new DatasetSearch({
        sql: ctx.storage.sql,
        searchKey: (version) => deriveSearchKey(env, this.ref!, version),
        currentKeyVersion: async () => (await keys.current(this.ref!)).version,
        transaction: (fn) => ctx.storage.transactionSync(fn),
      }),
    };
    ctx.blockConcurrencyWhile(async () => {
      migrateObject(ctx.storage, DATASET_OBJECT_MIGRATIONS);
      this.ref = store.storedRef(this.sql);
      await this.records.afterCommit.resumePending();
    });
  }

  private get sql() {
    return this.ctx.storage.sql;
  }

  // ---- RPC: records ------------------------------------------------------------------

  /** The stored reply of an earlier request with this Idempotency-Key, or null. */
  async replay(ref: DatasetRef, claim: IdempotencyClaim): Promise<Outcome<CreateResult | null>> {
    return outcomeOf(async () => {
      this.bind(ref, false);
      return replayFor(this.sql, claim);
    });
  }

  /** Claims an Idempotency-Key of a job request for `jobId`, or returns the job id it was claimed for before. */
  async claimJobKey(ref: DatasetRef, claim: IdempotencyClaim, jobId: string): Promise<Outcome<string>> {
    return outcomeOf(async () => {
      this.bind(ref, true);
      return claimJobKey(this.ctx.storage, claim, jobId);
    });
  }

  /** Releases a claim of claimJobKey whose job was not created. */
  async releaseJobKey(ref: DatasetRef, key: string, jobId: string): Promise<Outcome<null>> {
    return outcomeOf(async () => {
      this.bind(ref, false);
      releaseJobKey(this.sql, key, jobId);
      return null;
    });
  }

  /** Seals and stores records atomically, all or none; `batch` selects the audit event's shape. */
  async create(
    ref: DatasetRef,
    scope: AuditScope,
    items: PreparedRecord[],
    batch: boolean,
    claim: IdempotencyClaim | null,
  ): Promise<Outcome<CreateResult>> {
    return outcomeOf(async () => {
      this.bind(ref, true);
      return createRecords(this.records, ref, scope, items, batch, claim);
    });
  }

  /** One decrypted record. */
  async get(ref: DatasetRef, scope: AuditScope, recordId: string): Promise<Outcome<OpenedRecord>> {
    return outcomeOf(async () => {
      this.bind(ref, false);
      return getRecord(this.records, ref, scope, recordId);
    });
  }

  /** Decrypted records after `afterSeq` in sequence order; see reads.ts `listRecords`. */
  async list(
    ref: DatasetRef,
    scope: AuditScope,
    afterSeq: number,
    limit: number,
  ): Promise<Outcome<{ items: OpenedRecord[]; next: number | null }>> {
    return outcomeOf(async () => {
      this.bind(ref, false);
      return listRecords(this.records, ref, scope, afterSeq, limit);
    });
  }

  /** Replaces a record's data if its version matches; the version goes up by one. */
  async updateRecord(
    ref: DatasetRef,
    scope: AuditScope,
    recordId: string,
    match: VersionMatch,
    item: PreparedRecord,
  ): Promise<Outcome<RecordMeta>> {
    return outcomeOf(async () => {
      this.bind(ref, true);
      return updateRecord(this.records, ref, scope, recordId, match, item);
    });
  }

  /** Deletes a record (if its version matches, when a match is given). */
  async deleteRecord(
    ref: DatasetRef,
    scope: AuditScope,
    recordId: string,
    match: VersionMatch | null,
  ): Promise<Outcome<null>> {
    return outcomeOf(async () => {
      this.bind(ref, true);
      return deleteRecord(this.records, ref, scope, recordId, match);
    });
  }

  // ---- RPC: bulk import (logic in src/shared/records/bulk-write.ts) ------------------

  /** Seals and stages an import's records, keyed by their position in the file. */
  async stageImport(
    ref: DatasetRef,
    importId: string,
    items: bulk.StageItem[],
  ): Promise<Outcome<{ staged: number; state: bulk.ImportState }>> {
    return outcomeOf(async () => {
      this.bind(ref, true);
      return bulk.stage(this.records, ref, importId, items);
    });
  }

  /** Commits an import's (or an anonymized copy's) staged records in position order (once). */
  async commitImport(
    ref: DatasetRef,
    scope: AuditScope,
    importId: string,
    jobId: string,
    audit?: bulk.CommitAudit,
  ): Promise<Outcome<bulk.CommitResult>> {
    return outcomeOf(async () => {
      this.bind(ref, true);
      return bulk.commit(this.records, ref, scope, importId, jobId, audit);
    });
  }

  /** Drops an import's staged records; later staging for it is refused. */
  async discardImport(ref: DatasetRef, importId: string): Promise<Outcome<bulk.ImportState>> {
    return outcomeOf(async () => {
      this.bind(ref, true);
      return bulk.discard(this.records, importId);
    });
  }

  /** Lowest and highest seq and the record count, for planning an export. */
  async seqBounds(ref: DatasetRef): Promise<Outcome<{ min: number | null; max: number | null; count: number }>> {
    return outcomeOf(async () => {
      this.bind(ref, false);
      return bulk.seqBounds(this.sql);
    });
  }

  // ---- RPC: dataset jobs (logic in src/shared/records/job-writes.ts) -----------------

  /** Writes a job's batch of new record versions once per batch key; see job-writes.ts. */
  async applyJobWrites(ref: DatasetRef, scope: AuditScope, batch: JobWriteBatch): Promise<Outcome<JobWriteResult>> {
    return outcomeOf(async () => {
      this.bind(ref, true);
      return applyJobWrites(this.records, ref, scope, batch);
    });
  }

  /** Re-seals a window of records under DEK `target`, once per batch key; see reencrypt.ts. */
  async reencryptBatch(ref: DatasetRef, scope: AuditScope, window: ReencryptWindow): Promise<Outcome<ReencryptResult>> {
    return outcomeOf(async () => {
      this.bind(ref, true);
      return reencryptBatch(this.records, ref, scope, window);
    });
  }

  /** DEK versions still sealing records, with counts; and forgets cached DEKs (after older ones were destroyed). */
  async keyVersionsInUse(
    ref: DatasetRef,
    forget: boolean,
  ): Promise<Outcome<{ key_version: number; records: number }[]>> {
    return outcomeOf(async () => {
      this.bind(ref, false);
      if (forget) this.records.keys.clear();
      return keyVersionsInUse(this.sql);
    });
  }

  // ---- RPC: keys and purge -----------------------------------------------------------

  /** Adds a DEK version; new writes use it, records sealed under older versions still open. */
  async rotateDatasetKey(ref: DatasetRef): Promise<Outcome<{ key_version: number; created_at: string }>> {
    return outcomeOf(async () => {
      this.bind(ref, false);
      return this.records.keys.rotate(ref);
    });
  }

  /** Wipes the object and the dataset's R2 blobs (wipe.ts); a second call is a no-op. */
  async purge(ref: DatasetRef): Promise<Outcome<{ blobs_deleted: number }>> {
    return outcomeOf(async () => {
      if (this.purged) return { blobs_deleted: 0 };
      this.bind(ref, false);
      return wipeObject(this.records, ref, () => {
        this.purged = true;
      });
    });
  }

  // ---- RPC: validation report --------------------------------------------------------

  /** Starts a validation report of every stored record against `schemaText`, replacing any earlier one. */
  async startReport(ref: DatasetRef, jobId: string, schemaText: string): Promise<Outcome<null>> {
    return outcomeOf(async () => {
      this.bind(ref, true);
      return startReport(this.records, ref, jobId, schemaText);
    });
  }

  /** Validates the next records of a running report; idempotent under redelivery. */
  async validateChunk(ref: DatasetRef, scope: AuditScope, jobId: string): Promise<Outcome<ValidationChunk>> {
    return outcomeOf(async () => {
      this.bind(ref, false);
      return validateChunk(this.records, ref, scope, jobId);
    });
  }

  /** The latest validation report, with a page of its failures (decrypted). */
  async report(ref: DatasetRef, afterSeq: number, limit: number): Promise<Outcome<ValidationReport>> {
    return outcomeOf(async () => {
      this.bind(ref, false);
      return reportPage(this.records, ref, afterSeq, limit);
    });
  }

  // ---- RPC: search (src/shared/search/dataset-search.ts does the work) ----------------

  /** Phase one of a search: up to `limit` matches after `after`, best first. */
  async searchHits(
    ref: DatasetRef,
    query: QueryNode,
    after: { bm25: number; seq: number } | null,
    limit: number,
  ): Promise<Outcome<SearchHitRef[]>> {
    return outcomeOf(async () => {
      this.bind(ref, false);
      return this.records.search.hits(query, after, limit);
    });
  }

  /** Phase two: the chosen matches decrypted, with snippets. */
  async openSearchHits(
    ref: DatasetRef,
    scope: AuditScope,
    query: QueryNode,
    seqs: number[],
  ): Promise<Outcome<OpenedHit[]>> {
    return outcomeOf(async () => {
      this.bind(ref, false);
      return this.records.search.open(query, seqs, (row) => openRowOrNull(this.records, ref, scope, row));
    });
  }

  /** Both phases for a search of this dataset alone: the matches (limit + 1) and the page of them opened. */
  async searchPage(
    ref: DatasetRef,
    scope: AuditScope,
    query: QueryNode,
    after: { bm25: number; seq: number } | null,
    limit: number,
  ): Promise<Outcome<{ hits: SearchHitRef[]; opened: OpenedHit[] }>> {
    return outcomeOf(async () => {
      this.bind(ref, false);
      return this.records.search.page(query, after, limit, (row) => openRowOrNull(this.records, ref, scope, row));
    });
  }

  /** Starts rebuilding the index under the newest key and `paths` (JSON array text). */
  async startSearchRebuild(ref: DatasetRef, jobId: string | null, paths: string): Promise<Outcome<null>> {
    return outcomeOf(async () => {
      this.bind(ref, true);
      await this.records.search.startRebuild(jobId, paths);
      return null;
    });
  }

  /** One chunk (at most `maxRecords` records) of a rebuild job. */
  async searchRebuildChunk(
    ref: DatasetRef,
    scope: AuditScope,
    jobId: string,
    maxRecords?: number,
  ): Promise<Outcome<RebuildChunk>> {
    return outcomeOf(async () => {
      this.bind(ref, false);
      return this.records.search.rebuildChunk(jobId, (row) => openRowOrNull(this.records, ref, scope, row), maxRecords);
    });
  }

  /** Deletes the index (search turned off). */
  async dropSearchIndex(ref: DatasetRef): Promise<Outcome<null>> {
    return outcomeOf(async () => {
      this.bind(ref, false);
      this.ctx.storage.transactionSync(() => this.records.search.drop());
      return null;
    });
  }

  // ---- alarm -------------------------------------------------------------------------

  /**
   * Finishes what a change could not (or, after a crash, did not): forwarding audit events and
   * copying the D1 counters. after-commit.ts arms and deletes this alarm; a new concern that
   * needs the alarm (job cursors, index upkeep) must be run from here and keep it armed itself.
   */
  override async alarm(): Promise<void> {
    if (this.purged) return;
    await this.records.afterCommit.onAlarm();
  }

  // ---- guard -------------------------------------------------------------------------

  /** Checks the caller addresses this object's dataset; a write records it for the alarm. */
  private bind(ref: DatasetRef, write: boolean): void {
    if (this.purged) throw notFound("The dataset");
    if (this.ref && (this.ref.tenantId !== ref.tenantId || this.ref.datasetId !== ref.datasetId)) {
      throw new Error("DatasetObject addressed with the ids of another dataset");
    }
    if (!this.ref) this.ref = ref;
    if (write && !store.storedRef(this.sql)) store.storeRef(this.sql, ref);
  }
}
