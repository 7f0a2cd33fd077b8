/**
 * The blind search index inside a DatasetObject's SQLite: two FTS5 tables (slots 0 and 1)
 * and one row per slot saying what it holds. The `active` slot answers searches; a
 * rebuild fills the other (`building`) and swaps it in with one transaction, so searches
 * keep using the complete old index until the new one is complete.
 *
 * A document is the record's blind tokens (16 hex digits each) separated by spaces, with
 * `x` between two strings of the record so a phrase never spans two fields. Its FTS5
 * rowid is the record's `seq`. The tables are contentless (`content=''`) with
 * `contentless_delete=1`: FTS5 keeps only its inverted index (tokens, rowids, positions)
 * and no copy of the documents. No plaintext is ever written here.
 *
 * Every function is synchronous and meant to run inside the caller's transactionSync.
 */

export type SlotState = "active" | "building";

export type SlotRow = {
  slot: 0 | 1;
  state: SlotState;
  /** The rebuild job filling a building slot (null for an index created without one). */
  job_id: string | null;
  /** The DEK version the slot's search key is derived from. */
  key_version: number;
  /** The indexed JSON paths, as a JSON array. */
  paths: string;
  /** A building slot holds every record up to this seq; writes above it wait for the rebuild. */
  through_seq: number;
  indexed: number;
  started_at: string;
  finished_at: string | null;
};

/** Field separator inside a document: not hex, so never a blind token. */
export const FIELD_SEPARATOR = "x";

const table = (slot: 0 | 1) => `search_fts_${slot}`;
const ftsDdl = (slot: 0 | 1) =>
  `CREATE VIRTUAL TABLE IF NOT EXISTS ${table(slot)} ` +
  "USING fts5(doc, content='', contentless_delete=1, tokenize='ascii')";

// The tables themselves are created by DatasetObject migration 5
// (durable-objects/migrations/dataset-object.ts); `ftsDdl` recreates a slot's table here.

export function slotRows(sql: SqlStorage): SlotRow[] {
  return sql.exec<SlotRow>("SELECT * FROM search_slots ORDER BY slot").toArray() as unknown as SlotRow[];
}

/** Empties a slot's table (dropping is much faster than deleting every row). */
function resetTable(sql: SqlStorage, slot: 0 | 1): void {
  sql.exec(`DROP TABLE IF EXISTS ${table(slot)}`);
  sql.exec(ftsDdl(slot));
}

/** Writes (or replaces) the document of `seq`; an empty document leaves no row. */
export function putDoc(sql: SqlStorage, slot: 0 | 1, seq: number, doc: string): void {
  sql.exec(`DELETE FROM ${table(slot)} WHERE rowid = ?`, seq);
  if (doc) sql.exec(`INSERT INTO ${table(slot)} (rowid, doc) VALUES (?, ?)`, seq, doc);
}

export function deleteDoc(sql: SqlStorage, slot: 0 | 1, seq: number): void {
  sql.exec(`DELETE FROM ${table(slot)} WHERE rowid = ?`, seq);
}

/**
 * Starts filling the slot that is not active, replacing any rebuild in progress.
 * Returns the slot being built.
 */
export function beginBuilding(
  sql: SqlStorage,
  init: { jobId: string | null; keyVersion: number; paths: string; now: string },
): 0 | 1 {
  const active = slotRows(sql).find((s) => s.state === "active");
  const slot: 0 | 1 = active?.slot === 0 ? 1 : 0;
  sql.exec("DELETE FROM search_slots WHERE state = 'building'");
  resetTable(sql, slot);
  sql.exec(
    `INSERT INTO search_slots (slot, state, job_id, key_version, paths, through_seq, indexed, started_at, finished_at)
     VALUES (?, 'building', ?, ?, ?, 0, 0, ?, NULL)`,
    slot,
    init.jobId,
    init.keyVersion,
    init.paths,
    init.now,
  );
  return slot;
}

/** Records a building slot's progress. */
export function advance(sql: SqlStorage, slot: 0 | 1, throughSeq: number, indexed: number): void {
  sql.exec(
    "UPDATE search_slots SET through_seq = ?, indexed = indexed + ? WHERE slot = ? AND state = 'building'",
    throughSeq,
    indexed,
    slot,
  );
}

/** Makes the building slot the active one and empties the old active slot. */
export function promote(sql: SqlStorage, slot: 0 | 1, now: string): void {
  const old = slotRows(sql).find((s) => s.state === "active");
  if (old) {
    sql.exec("DELETE FROM search_slots WHERE slot = ?", old.slot);
    resetTable(sql, old.slot);
  }
  sql.exec("UPDATE search_slots SET state = 'active', finished_at = ? WHERE slot = ?", now, slot);
}

/** Removes the whole index (search turned off). */
export function dropIndex(sql: SqlStorage): void {
  sql.exec("DELETE FROM search_slots");
  resetTable(sql, 0);
  resetTable(sql, 1);
}

export interface Hit {
  seq: number;
  /** FTS5 bm25(): lower is better. */
  bm25: number;
  /** Plaintext size of the record in bytes. */
  size: number;
}

/**
 * Records matching an FTS5 expression, best first (bm25, then seq), strictly after the
 * position (`bm25`, `seq`). Deleted records never appear: their documents are deleted in
 * the same transaction. Sizes are looked up for the page only, not for every match.
 */
export function matchHits(
  sql: SqlStorage,
  slot: 0 | 1,
  match: string,
  after: { bm25: number; seq: number } | null,
  limit: number,
): Hit[] {
  const t = table(slot);
  const page = sql
    .exec<{ seq: number; bm25: number }>(
      `SELECT rowid AS seq, bm25(${t}) AS bm25 FROM ${t} WHERE ${t} MATCH ?
       ${after ? "AND (bm25 > ? OR (bm25 = ? AND seq > ?))" : ""} ORDER BY bm25, seq LIMIT ?`,
      ...(after ? [match, after.bm25, after.bm25, after.seq, limit] : [match, limit]),
    )
    .toArray();
  if (!page.length) return [];
  const sizes = new Map(
    sql
      // One JSON array rather than one bound variable per seq: the object's SQLite allows 100 variables.
      .exec<{ seq: number; size: number }>(
        "SELECT seq, size FROM records WHERE seq IN (SELECT value FROM json_each(?))",
        JSON.stringify(page.map((h) => h.seq)),
      )
      .toArray()
      .map((r) => [r.seq, r.size]),
  );
  return page.filter((h) => sizes.has(h.seq)).map((h) => ({ seq: h.seq, bm25: h.bm25, size: sizes.get(h.seq)! }));
}
