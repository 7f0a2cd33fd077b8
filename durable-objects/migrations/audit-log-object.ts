/**
 * The AuditLogObject's SQLite schema (the tenant's audit chain), as numbered append-only
 * migrations (runner and rules: src/shared/db/object-migrations.ts). Never edit a
 * migration that has shipped: add one.
 */
import type { ObjectMigration } from "../../src/shared/db/object-migrations";

/**
 * Version 1 creates the tables and indexes. `(column, seq)` indexes let every filter walk in seq
 * order and stop after one page; `audit_resources` indexes every resource id but the
 * tenant's own (which every event carries). `time` is monotonic in seq (see appendEvents),
 * so a time range is resolved to a seq range by two index lookups.
 */
export const AUDIT_LOG_OBJECT_MIGRATIONS: readonly ObjectMigration[] = [
  {
    version: 1,
    // Verbatim the schema objects got before versioning, so those objects are adopted as version 1.
    name: "audit_events, audit_resources, audit_meta",
    sql: `
    CREATE TABLE IF NOT EXISTS audit_events (
      seq INTEGER PRIMARY KEY,
      event_id TEXT NOT NULL UNIQUE,
      time TEXT NOT NULL,
      actor TEXT NOT NULL,
      action TEXT NOT NULL,
      resource TEXT NOT NULL,
      outcome TEXT NOT NULL,
      request_id TEXT,
      client_ip TEXT,
      details TEXT NOT NULL,
      prev_hash TEXT NOT NULL,
      hash TEXT NOT NULL
    );
    CREATE INDEX IF NOT EXISTS audit_events_action_idx ON audit_events(action, seq);
    CREATE INDEX IF NOT EXISTS audit_events_actor_idx ON audit_events(actor, seq);
    CREATE INDEX IF NOT EXISTS audit_events_outcome_idx ON audit_events(outcome, seq);
    CREATE INDEX IF NOT EXISTS audit_events_time_idx ON audit_events(time, seq);
    CREATE TABLE IF NOT EXISTS audit_resources (
      id TEXT NOT NULL,
      seq INTEGER NOT NULL,
      kind TEXT NOT NULL,
      PRIMARY KEY (id, seq)
    ) WITHOUT ROWID;
    CREATE TABLE IF NOT EXISTS audit_meta (k TEXT PRIMARY KEY, v TEXT NOT NULL);
  `,
  },
];
