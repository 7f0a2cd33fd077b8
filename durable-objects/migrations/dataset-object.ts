/**
 * The DatasetObject's SQLite schema, as numbered append-only migrations (runner and rules:
 * src/shared/db/object-migrations.ts). Never edit a migration that has shipped: add one.
 * A new concern's tables (search index, job cursors) come as the next version.
 */
import type { ObjectMigration } from "../../src/shared/db/object-migrations";

export const DATASET_OBJECT_MIGRATIONS: readonly ObjectMigration[] = [
  {
    version: 1,
    // Verbatim the schema objects got before versioning, so those objects are adopted as version 1.
    name: "records, meta, idempotency, validation report, audit outbox",
    sql: `
    CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value) WITHOUT ROWID;
    CREATE TABLE IF NOT EXISTS records (
      seq INTEGER PRIMARY KEY,
      id TEXT NOT NULL UNIQUE,
      version INTEGER NOT NULL,
      key_version INTEGER NOT NULL,
      created_at TEXT NOT NULL,
      updated_at TEXT NOT NULL,
      size INTEGER NOT NULL,
      sha256 TEXT NOT NULL,
      ciphertext BLOB,
      blob_key TEXT,
      CHECK ((ciphertext IS NULL) <> (blob_key IS NULL))
    );
    CREATE TABLE IF NOT EXISTS idempotency (
      key TEXT PRIMARY KEY,
      fingerprint TEXT NOT NULL,
      response TEXT NOT NULL,
      created_at INTEGER NOT NULL
    );
    CREATE INDEX IF NOT EXISTS idempotency_created_idx ON idempotency(created_at);
    CREATE TABLE IF NOT EXISTS validation_report (
      id INTEGER PRIMARY KEY CHECK (id = 1),
      job_id TEXT NOT NULL,
      schema TEXT NOT NULL,
      status TEXT NOT NULL,
      through_seq INTEGER NOT NULL,
      checked INTEGER NOT NULL,
      invalid INTEGER NOT NULL,
      key_version INTEGER NOT NULL,
      started_at TEXT NOT NULL,
      finished_at TEXT
    );
    CREATE TABLE IF NOT EXISTS validation_failures (
      seq INTEGER PRIMARY KEY,
      record_id TEXT NOT NULL,
      sealed_errors BLOB NOT NULL
    );
    CREATE TABLE IF NOT EXISTS audit_outbox (
      pos INTEGER PRIMARY KEY AUTOINCREMENT,
      event_id TEXT NOT NULL UNIQUE,
      tenant_id TEXT NOT NULL,
      event TEXT NOT NULL
    );
  `,
  },
  {
    version: 2,
    // Lets the object say how long its oldest event has waited to reach the tenant's chain.
    name: "audit_outbox.enqueued_at",
    sql: "ALTER TABLE audit_outbox ADD COLUMN enqueued_at INTEGER",
  },
  {
    version: 3,
    // Bulk imports stage sealed records here and commit them in file order (src/shared/records/bulk-write.ts).
    name: "bulk_imports and import_staging",
    sql: `
    CREATE TABLE IF NOT EXISTS bulk_imports (
      import_id TEXT PRIMARY KEY,
      state TEXT NOT NULL CHECK (state IN ('staging', 'committed', 'discarded')),
      count INTEGER NOT NULL DEFAULT 0,
      first_seq INTEGER,
      last_seq INTEGER,
      updated_at TEXT NOT NULL
    );
    CREATE TABLE IF NOT EXISTS import_staging (
      import_id TEXT NOT NULL,
      pos INTEGER NOT NULL,
      id TEXT NOT NULL,
      key_version INTEGER NOT NULL,
      created_at TEXT NOT NULL,
      size INTEGER NOT NULL,
      sha256 TEXT NOT NULL,
      ciphertext BLOB,
      blob_key TEXT,
      PRIMARY KEY (import_id, pos)
    ) WITHOUT ROWID;
  `,
  },
  {
    version: 4,
    // Write-backs of dataset jobs (anonymize in place), one row per applied batch, keyed by
    // job, range and cursor: a redelivered chunk gets the stored result and writes nothing.
    name: "job_writes",
    sql: `
    CREATE TABLE IF NOT EXISTS job_writes (
      batch_key TEXT PRIMARY KEY,
      result TEXT NOT NULL,
      created_at TEXT NOT NULL
    ) WITHOUT ROWID;
  `,
  },
  {
    version: 5,
    // The blind search index (src/shared/search/index-store.ts): one row per slot and two
    // contentless FTS5 tables, so a rebuild fills one while the other answers searches.
    name: "search_slots, search_fts_0 and search_fts_1",
    sql: `
    CREATE TABLE IF NOT EXISTS search_slots (
      slot INTEGER PRIMARY KEY CHECK (slot IN (0, 1)),
      state TEXT NOT NULL CHECK (state IN ('active', 'building')),
      job_id TEXT,
      key_version INTEGER NOT NULL,
      paths TEXT NOT NULL,
      through_seq INTEGER NOT NULL,
      indexed INTEGER NOT NULL,
      started_at TEXT NOT NULL,
      finished_at TEXT
    );
    CREATE UNIQUE INDEX IF NOT EXISTS search_slots_state_idx ON search_slots(state);
    CREATE VIRTUAL TABLE IF NOT EXISTS search_fts_0
      USING fts5(doc, content='', contentless_delete=1, tokenize='ascii');
    CREATE VIRTUAL TABLE IF NOT EXISTS search_fts_1
      USING fts5(doc, content='', contentless_delete=1, tokenize='ascii');
  `,
  },
  {
    version: 6,
    // Blind search documents of staged import records (JSON: slot signature -> blind tokens,
    // never plaintext), computed at stage time and indexed inside the commit transaction.
    name: "import_staging.search_docs",
    sql: `ALTER TABLE import_staging ADD COLUMN search_docs TEXT;`,
  },
];
