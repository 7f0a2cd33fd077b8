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
import { pageHits } from "./page";
import { positivePhrases, toFtsMatch, type QueryNode } from "./query";
import { snippetOf, type Snippet } from "./snippet";
import { tokenize } from "./tokenize";

/** A record's blind documents computed before its transaction, by slot signature. */
export interface PendingDoc {
  canonical: string;
  docs: Map<string, string>;
}

const signature = (s: idx.SlotRow) => `${s.slot}:${s.key_version}:${s.paths}`;

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

  private async blinder(version: number): Promise<Blinder> {
    let b = this.blinders.get(version);
    if (!b) {
      b = await Blinder.create(await this.host.searchKey(version));
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

  /** The folded words of a record under a slot's paths, one list per indexed string. */
  private words(slot: idx.SlotRow, data: unknown): string[][] {
    const out: string[][] = [];
    let budget = MAX_TOKENS_PER_RECORD;
    for (const { text } of indexedTexts(data, this.selectorsOf(slot.paths))) {
      if (budget <= 0) break;
      const tokens = tokenize(text, budget);
      if (!tokens.length) continue;
      budget -= tokens.length;
      out.push(tokens.map((t) => t.token));
    }
    return out;
  }

  /** The blind document: each string's tokens, strings apart by the separator. */
  private static document(words: string[][], blinder: Blinder): string {
    return words.map((ws) => ws.map((w) => blinder.blind(w)).join(" ")).join(` ${idx.FIELD_SEPARATOR} `);
  }

  /** Blind documents of many records under one slot, the HMACs computed in one go. */
  private async documents(slot: idx.SlotRow, records: unknown[]): Promise<string[]> {
    const blinder = await this.blinder(slot.key_version);
    const words = records.map((d) => this.words(slot, d));
    await blinder.prepare(words.flat(2));
    return words.map((w) => DatasetSearch.document(w, blinder));
  }

  // ---- write hooks ---------------------------------------------------------------------

  /**
   * Before a write's transaction: the blind documents of the records about to be written,
   * for every slot as it is now. Pass each to `put` inside the transaction.
   */
  async prepare(canonicals: string[]): Promise<PendingDoc[]> {
    const pending: PendingDoc[] = canonicals.map((canonical) => ({ canonical, docs: new Map() }));
    const slots = idx.slotRows(this.sql);
    if (!slots.length) return pending;
    const records = canonicals.map((c) => JSON.parse(c) as unknown);
    for (const s of slots) {
      const docs = await this.documents(s, records);
      docs.forEach((d, i) => pending[i].docs.set(signature(s), d));
    }
    return pending;
  }

  /**
   * Inside the transaction: indexes a created or replaced record. A slot that changed since
   * `prepare` (a rebuild started meanwhile) is served from the same keys, synchronously.
   */
  put(seq: number, pending: PendingDoc): void {
    this.putWith(idx.slotRows(this.sql), seq, pending);
  }

  /**
   * Inside the transaction: `put` for many records (`[seq, doc]` pairs), the slots read once,
   * since indexing never changes them.
   */
  putMany(entries: [number, PendingDoc][]): void {
    if (!entries.length) return;
    const slots = idx.slotRows(this.sql);
    if (!slots.length) return;
    for (const [seq, pending] of entries) this.putWith(slots, seq, pending);
  }

  private putWith(slots: idx.SlotRow[], seq: number, pending: PendingDoc): void {
    for (const s of slots) {
      // A building slot gets records above its progress from the rebuild itself.
      if (s.state === "building" && seq > s.through_seq) continue;
      let doc = pending.docs.get(signature(s));
      if (doc === undefined) {
        const b = this.blinders.get(s.key_version);
        if (!b) throw new Error("search key not loaded; the write is retried");
        doc = DatasetSearch.document(this.words(s, JSON.parse(pending.canonical)), b);
      }
      idx.putDoc(this.sql, s.slot, seq, doc);
    }
  }

  /**
   * Before staging records (bulk import): their blind documents for every slot as it is now,
   * as JSON (slot signature -> blind tokens; no plaintext), or null when there is no index.
   */
  async stagedDocs(canonicals: string[]): Promise<(string | null)[]> {
    const pending = await this.prepare(canonicals);
    return pending.map((p) => (p.docs.size ? JSON.stringify(Object.fromEntries(p.docs)) : null));
  }

  /**
   * Inside a commit transaction: indexes a record staged with `stagedDocs`. Returns false
   * when a slot that must index it now has no document for it (search enabled or a rebuild
   * promoted since staging); the caller then starts a rebuild.
   */
  putStaged(seq: number, staged: string | null): boolean {
    const docs = staged ? (JSON.parse(staged) as Record<string, string>) : {};
    let complete = true;
    for (const s of idx.slotRows(this.sql)) {
      // A building slot gets records above its progress from the rebuild itself.
      if (s.state === "building" && seq > s.through_seq) continue;
      const doc = docs[signature(s)];
      if (doc === undefined) complete = false;
      else idx.putDoc(this.sql, s.slot, seq, doc);
    }
    return complete;
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
        detail:
          "This dataset has no search index yet; enable search in its settings or POST /datasets/{id}/search/rebuild.",
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
      const row = this.sql.exec<RecordRow>("SELECT * FROM records WHERE seq = ?", seq).toArray()[0] as
        RecordRow | undefined;
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

  /**
   * Both phases for a search of this dataset alone, in one object call: up to `limit` + 1 matches
   * after `after` (the extra one tells the caller that more follow), and the page of them
   * (pageHits) opened.
   */
  async page(
    query: QueryNode,
    after: { bm25: number; seq: number } | null,
    limit: number,
    openRecord: OpenRecord,
  ): Promise<{ hits: SearchHitRef[]; opened: OpenedHit[] }> {
    const hits = await this.hits(query, after, limit + 1);
    const opened = await this.open(
      query,
      pageHits(hits, limit).map((h) => h.seq),
      openRecord,
    );
    return { hits, opened };
  }

  // ---- rebuild ---------------------------------------------------------------------------

  /**
   * Starts a rebuild under the newest search key and `paths` (JSON array text), replacing
   * any rebuild in progress. An empty dataset's index is complete at once.
   */
  async startRebuild(jobId: string | null, paths: string): Promise<void> {
    const keyVersion = await this.host.currentKeyVersion();
    // Loaded now, so a write racing this start can index into the new slot synchronously.
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
    const rows = this.sql
      .exec<RecordRow>("SELECT * FROM records WHERE seq > ? ORDER BY seq LIMIT ?", slot.through_seq, maxRecords)
      .toArray() as RecordRow[];
    const opened: { seq: number; version: number; data: unknown }[] = [];
    let bytes = 0;
    for (const row of rows) {
      if (opened.length > 0 && bytes + row.size > MAX_PAGE_BYTES) break;
      bytes += row.size;
      const data = await openRecord(row);
      opened.push({ seq: row.seq, version: row.version, data: data === null ? null : JSON.parse(data) });
    }
    const readable = opened.filter((o) => o.data !== null);
    const blind = await this.documents(
      slot,
      readable.map((o) => o.data),
    );
    const docOf = new Map(readable.map((o, i) => [o.seq, blind[i]]));
    const docs = opened.map((o) => ({ seq: o.seq, version: o.version, doc: docOf.get(o.seq) ?? null }));
    return this.host.transaction(() => {
      const now = idx.slotRows(this.sql).find((s) => s.slot === slot.slot);
      if (!now || now.state !== "building" || now.job_id !== jobId || now.through_seq !== slot.through_seq)
        return { done: false, indexed: 0, failed: 0 };
      let through = slot.through_seq;
      let indexed = 0;
      let failed = 0;
      let complete = docs.length === rows.length;
      for (const d of docs) {
        const current = this.sql
          .exec<{ version: number }>("SELECT version FROM records WHERE seq = ?", d.seq)
          .toArray()[0];
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
