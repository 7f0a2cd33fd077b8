/**
 * The search index as a DatasetObject uses it: blinding and indexing on every record
 * write (inside the write's transaction), searching, and the rebuild steps. The object
 * owns one instance and gives it its SQLite handle, search keys and a way to decrypt a
 * stored record; everything else about search lives here and in index-store.ts.
 */
import { ProblemError } from "../errors";
import type { RecordRow } from "../records/store";
import { MAX_PAGE_BYTES } from "../records/limits";
import * as idx from "./index-store";
import { Blinder } from "./keys";
import { MAX_TOKENS_PER_RECORD, REBUILD_CHUNK_RECORDS } from "./limits";
import { indexedTexts, parsePath, type Selector } from "./paths";
import { positivePhrases, toFtsMatch, type QueryNode } from "./query";
import { snippetOf, type Snippet } from "./snippet";
import { tokenize } from "./tokenize";

/** Decrypts a stored record to canonical JSON; null when it fails its integrity check (the object audits that). */
export type OpenRecord = (row: RecordRow) => Promise<string | null>;

/** What the object provides. */
export interface SearchHost {
  sql: SqlStorage;
  /** Raw search key derived from DEK `version` (keys.ts). */
  searchKey(version: number): Promise<Uint8Array>;
  /** The dataset's newest DEK version. */
  currentKeyVersion(): Promise<number>;
  /** The object's transactionSync. */
  transaction<T>(fn: () => T): T;
}

/** One match, as the first phase of a search returns it. */
export interface SearchHitRef {
  seq: number;
  bm25: number;
  size: number;
}

/** A match opened for the caller: the record's canonical JSON and its snippet. */
export interface OpenedHit {
  seq: number;
  id: string;
  version: number;
  data: string;
  snippet: Snippet | null;
}

export interface RebuildChunk {
  done: boolean;
  indexed: number;
  /** Records that failed their integrity check and were left out. */
  failed: number;
}

export class DatasetSearch {
  private readonly blinders = new Map<number, Blinder>();
  private readonly selectors = new Map<string, Selector[]>();

  constructor(private readonly host: SearchHost) {}

  private get sql() {
    return this.host.sql;
  }

  /** Loads the search keys the slots need. Await it just before a write's transaction. */
  async ready(): Promise<void> {
    for (const s of idx.slotRows(this.sql)) await this.blinder(s.key_version);
  }

  private async blinder(version: number): Promise<Blinder> {
    let b = this.blinders.get(version);
    if (!b) {
      b = new Blinder(await this.host.searchKey(version));
      this.blinders.set(version, b);
    }
    return b;
  }

  private selectorsOf(paths: string): Selector[] {
    let s = this.selectors.get(paths);
    if (!s) {
      s = (JSON.parse(paths) as string[]).map((p) => parsePath(p)).filter((p): p is Selector => typeof p !== "string");
      this.selectors.set(paths, s);
    }
    return s;
  }

  /** The blind document of a record under a slot's paths and key. */
  private document(slot: idx.SlotRow, data: unknown, blinder: Blinder): string {
    const parts: string[] = [];
    let budget = MAX_TOKENS_PER_RECORD;
    for (const { text } of indexedTexts(data, this.selectorsOf(slot.paths))) {
      if (budget <= 0) break;
      const tokens = tokenize(text, budget);
      if (!tokens.length) continue;
      budget -= tokens.length;
      if (parts.length) parts.push(idx.FIELD_SEPARATOR);
      for (const t of tokens) parts.push(blinder.blind(t.token));
    }
    return parts.join(" ");
  }

  // ---- write hooks (synchronous: call inside the record's transaction, after ready()) ----

  /** Indexes a created or replaced record. */
  put(seq: number, canonical: string): void {
    const slots = idx.slotRows(this.sql);
    if (!slots.length) return;
    const data: unknown = JSON.parse(canonical);
    for (const s of slots) {
      // A building slot gets records above its progress from the rebuild itself.
      if (s.state === "building" && seq > s.through_seq) continue;
      const b = this.blinders.get(s.key_version);
      if (!b) throw new Error("search key not loaded; call ready() before the transaction");
      idx.putDoc(this.sql, s.slot, seq, this.document(s, data, b));
    }
  }

  /** Removes a deleted record from every slot. */
  remove(seq: number): void {
    for (const s of idx.slotRows(this.sql)) idx.deleteDoc(this.sql, s.slot, seq);
  }

  // ---- search ----------------------------------------------------------------------------

  /** The slot that answers: the active one, else (first build) the one being built. */
  private answeringSlot(): idx.SlotRow {
    const slots = idx.slotRows(this.sql);
    const slot = slots.find((s) => s.state === "active") ?? slots.find((s) => s.state === "building");
    if (!slot) {
      throw new ProblemError(409, "search-disabled", {
        detail: "This dataset has no search index yet; enable search in its settings or POST /datasets/{id}/search/rebuild.",
      });
    }
    return slot;
  }

  /** Phase one: up to `limit` matches after `after`, best first. */
  async hits(query: QueryNode, after: { bm25: number; seq: number } | null, limit: number): Promise<SearchHitRef[]> {
    const slot = this.answeringSlot();
    const blinder = await this.blinder(slot.key_version);
    const match = toFtsMatch(query, (w) => blinder.blind(w));
    return idx.matchHits(this.sql, slot.slot, match, after, limit);
  }

  /** Phase two: decrypts the chosen matches and cuts their snippets. Records gone since phase one are left out. */
  async open(query: QueryNode, seqs: number[], openRecord: OpenRecord): Promise<OpenedHit[]> {
    const slot = this.answeringSlot();
    const phrases = positivePhrases(query);
    const out: OpenedHit[] = [];
    let bytes = 0;
    for (const seq of seqs) {
      const row = this.sql.exec<RecordRow>("SELECT * FROM records WHERE seq = ?", seq).toArray()[0] as RecordRow | undefined;
      if (!row) continue;
      if (out.length > 0 && bytes + row.size > MAX_PAGE_BYTES) break;
      const data = await openRecord(row);
      if (data === null) continue;
      bytes += row.size;
      const snippet = snippetOf(indexedTexts(JSON.parse(data), this.selectorsOf(slot.paths)), phrases);
      out.push({ seq, id: row.id, version: row.version, data, snippet });
    }
    return out;
  }

  // ---- rebuild ---------------------------------------------------------------------------

  /**
   * Starts a rebuild under the newest search key and `paths` (JSON array text), replacing
   * any rebuild in progress. An empty dataset's index is complete at once.
   */
  async startRebuild(jobId: string | null, paths: string): Promise<void> {
    const keyVersion = await this.host.currentKeyVersion();
    await this.blinder(keyVersion);
    const now = new Date().toISOString();
    this.host.transaction(() => {
      const slot = idx.beginBuilding(this.sql, { jobId, keyVersion, paths, now });
      const any = this.sql.exec("SELECT 1 FROM records LIMIT 1").toArray().length > 0;
      if (!any) idx.promote(this.sql, slot, now);
    });
  }

  /**
   * Indexes the next records of the rebuild `jobId`. Idempotent under redelivery: a
   * chunk that finds the slot moved on (or replaced by a newer rebuild) does nothing.
   */
  async rebuildChunk(jobId: string, openRecord: OpenRecord, maxRecords = REBUILD_CHUNK_RECORDS): Promise<RebuildChunk> {
    const slot = idx.slotRows(this.sql).find((s) => s.state === "building" && s.job_id === jobId);
    if (!slot) return { done: true, indexed: 0, failed: 0 };
    const blinder = await this.blinder(slot.key_version);
    const rows = this.sql
      .exec<RecordRow>("SELECT * FROM records WHERE seq > ? ORDER BY seq LIMIT ?", slot.through_seq, maxRecords)
      .toArray() as RecordRow[];
    const docs: { seq: number; version: number; doc: string | null }[] = [];
    let bytes = 0;
    for (const row of rows) {
      if (docs.length > 0 && bytes + row.size > MAX_PAGE_BYTES) break;
      bytes += row.size;
      const data = await openRecord(row);
      docs.push({ seq: row.seq, version: row.version, doc: data === null ? null : this.document(slot, JSON.parse(data), blinder) });
    }
    return this.host.transaction(() => {
      const now = idx.slotRows(this.sql).find((s) => s.slot === slot.slot);
      if (!now || now.state !== "building" || now.job_id !== jobId || now.through_seq !== slot.through_seq) return { done: false, indexed: 0, failed: 0 };
      let through = slot.through_seq;
      let indexed = 0;
      let failed = 0;
      let complete = docs.length === rows.length;
      for (const d of docs) {
        const current = this.sql.exec<{ version: number }>("SELECT version FROM records WHERE seq = ?", d.seq).toArray()[0];
        if (current && current.version !== d.version) {
          // Updated while this chunk was decrypting: the next chunk reads it again.
          complete = false;
          break;
        }
        if (current && d.doc !== null) {
          idx.putDoc(this.sql, slot.slot, d.seq, d.doc);
          indexed++;
        } else if (current) failed++;
        through = d.seq;
      }
      idx.advance(this.sql, slot.slot, through, indexed);
      const done = complete && rows.length < maxRecords;
      if (done) idx.promote(this.sql, slot.slot, new Date().toISOString());
      return { done, indexed, failed };
    });
  }

  /** Removes the index (search turned off). */
  drop(): void {
    idx.dropIndex(this.sql);
  }
}
