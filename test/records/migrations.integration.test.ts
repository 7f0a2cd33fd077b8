/**
 * DatasetObject schema migrations on real objects: an object written before versioning
 * (its tables from `CREATE TABLE IF NOT EXISTS`, no version) and one at version 1 are both
 * opened by today's code and upgraded, with every row and every record intact.
 */
import { abortAllDurableObjects } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { migrateObject } from "../../src/shared/db/object-migrations";
import { DATASET_OBJECT_MIGRATIONS } from "../../durable-objects/migrations/dataset-object";
import { createDataset, newTenant } from "../helpers/api";
import { expectJson } from "../helpers/client";
import { inObject, listRecords, postBatch, postRecord, recordsApi } from "./helpers";

/** The schema DatasetObjects got before versioning, as that code wrote it (commit 8714f0d). */
const PRE_VERSIONING_DDL = `
  CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value) WITHOUT ROWID;
  CREATE TABLE IF NOT EXISTS records (
    seq INTEGER PRIMARY KEY, id TEXT NOT NULL UNIQUE, version INTEGER NOT NULL, key_version INTEGER NOT NULL,
    created_at TEXT NOT NULL, updated_at TEXT NOT NULL, size INTEGER NOT NULL, sha256 TEXT NOT NULL,
    ciphertext BLOB, blob_key TEXT, CHECK ((ciphertext IS NULL) <> (blob_key IS NULL))
  );
  CREATE TABLE IF NOT EXISTS idempotency (
    key TEXT PRIMARY KEY, fingerprint TEXT NOT NULL, response TEXT NOT NULL, created_at INTEGER NOT NULL
  );
  CREATE INDEX IF NOT EXISTS idempotency_created_idx ON idempotency(created_at);
  CREATE TABLE IF NOT EXISTS validation_report (
    id INTEGER PRIMARY KEY CHECK (id = 1), job_id TEXT NOT NULL, schema TEXT NOT NULL, status TEXT NOT NULL,
    through_seq INTEGER NOT NULL, checked INTEGER NOT NULL, invalid INTEGER NOT NULL, key_version INTEGER NOT NULL,
    started_at TEXT NOT NULL, finished_at TEXT
  );
  CREATE TABLE IF NOT EXISTS validation_failures (
    seq INTEGER PRIMARY KEY, record_id TEXT NOT NULL, sealed_errors BLOB NOT NULL
  );
  CREATE TABLE IF NOT EXISTS audit_outbox (
    pos INTEGER PRIMARY KEY AUTOINCREMENT, event_id TEXT NOT NULL UNIQUE, tenant_id TEXT NOT NULL, event TEXT NOT NULL
  );
`;

const DATA_TABLES = ["meta", "records", "idempotency"] as const;

const asText = (v: SqlStorageValue) => (v instanceof ArrayBuffer ? hex(v) : v);
const hex = (b: ArrayBuffer) => Array.from(new Uint8Array(b), (x) => x.toString(16).padStart(2, "0")).join("");

/** Every row of the data tables, blobs as hex, in a stable order. */
function dump(sql: SqlStorage): Record<string, unknown[]> {
  const out: Record<string, unknown[]> = {};
  for (const t of DATA_TABLES) {
    out[t] = sql
      .exec(`SELECT * FROM ${t} ORDER BY 1`)
      .toArray()
      .map((row) => Object.fromEntries(Object.entries(row).map(([k, v]) => [k, asText(v)])));
  }
  return out;
}

const userTables = (sql: SqlStorage) =>
  sql
    .exec<{ name: string }>(
      "SELECT name FROM sqlite_master WHERE type = 'table'" +
        " AND name NOT LIKE '\\_cf\\_%' ESCAPE '\\' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\'",
    )
    .toArray()
    .map((r) => r.name);

/**
 * Rewrites an object's storage into an older shape: the rows of the data tables are kept,
 * every table is dropped, `recreate` builds the old schema, and the rows go back in.
 */
function rewriteAsOlder(sql: SqlStorage, recreate: () => void): void {
  const rows: Record<string, Record<string, SqlStorageValue>[]> = {};
  for (const t of DATA_TABLES) rows[t] = sql.exec(`SELECT * FROM ${t}`).toArray();
  // Dropping an FTS5 table (search index) drops its shadow tables too: list again after each drop.
  for (let t = userTables(sql)[0]; t; t = userTables(sql)[0]) sql.exec(`DROP TABLE "${t}"`);
  recreate();
  for (const t of DATA_TABLES) {
    for (const row of rows[t]) {
      const cols = Object.keys(row);
      const marks = cols.map(() => "?").join(", ");
      sql.exec(`INSERT INTO ${t} (${cols.join(", ")}) VALUES (${marks})`, ...Object.values(row));
    }
  }
}

const versions = (sql: SqlStorage) =>
  sql
    .exec<{ version: number; name: string; applied_at: string }>("SELECT * FROM schema_migrations ORDER BY version")
    .toArray();

const outboxColumns = (sql: SqlStorage) =>
  sql
    .exec<{ name: string }>("SELECT name FROM pragma_table_info('audit_outbox')")
    .toArray()
    .map((r) => r.name);

describe("DatasetObject schema migrations", () => {
  const cases = [
    {
      name: "an object created before versioning is adopted as version 1 and upgraded to 2",
      olderSchema: (sql: SqlStorage) => sql.exec(PRE_VERSIONING_DDL),
      from: 0,
    },
    {
      name: "an object at version 1 is upgraded to 2",
      olderSchema: (_sql: SqlStorage, storage: DurableObjectStorage) =>
        migrateObject(storage, DATASET_OBJECT_MIGRATIONS.slice(0, 1)),
      from: 1,
    },
  ];

  for (const c of cases) {
    it(`${c.name}, with its rows and records intact`, async () => {
      const { token, tenant } = await newTenant();
      const ds = await createDataset(token);
      const key = crypto.randomUUID();
      const one = await postRecord(token, ds.id, { text: "first", n: 1 }, { "Idempotency-Key": key });
      const batch = await postBatch(token, ds.id, [{ text: "second" }, { text: "third", nested: { a: [1, 2] } }]);
      const before = await inObject(tenant.id, ds.id, (sql, state) => {
        rewriteAsOlder(sql, () => c.olderSchema(sql, state.storage));
        expect(userTables(sql).includes("schema_migrations")).toBe(c.from > 0);
        expect(outboxColumns(sql)).not.toContain("enqueued_at");
        return dump(sql);
      });
      const olderVersions = c.from ? await inObject(tenant.id, ds.id, (sql) => versions(sql)) : [];
      expect(olderVersions.map((v) => v.version)).toEqual(c.from ? [1] : []);

      // The next call starts a new instance, whose constructor runs the migrations.
      await abortAllDurableObjects();
      const page = await listRecords(token, ds.id);
      expect(page.items.map((r) => [r.id, r.data])).toEqual([
        [one.id, { text: "first", n: 1 }],
        [batch[0].id, { text: "second" }],
        [batch[1].id, { text: "third", nested: { a: [1, 2] } }],
      ]);
      await inObject(tenant.id, ds.id, (sql) => {
        const applied = versions(sql);
        expect(applied.map((v) => v.version)).toEqual(DATASET_OBJECT_MIGRATIONS.map((m) => m.version));
        // A version applied before is not applied again.
        if (c.from) expect(applied[0]).toEqual(olderVersions[0]);
        expect(outboxColumns(sql)).toContain("enqueued_at");
        expect(dump(sql)).toEqual(before);
      });

      // The upgraded object keeps working where it left off: seqs continue, the old key replays.
      const next = await postRecord(token, ds.id, { text: "fourth" });
      expect(next.seq).toBe(4);
      const again = recordsApi(token, { "Idempotency-Key": key });
      const res = await again.$post({ param: { id: ds.id }, header: {}, json: { data: { text: "first", n: 1 } } });
      const replay = await expectJson(res, 201);
      expect(res.headers.get("idempotent-replayed")).toBe("true");
      expect(replay.id).toBe(one.id);
    });
  }
});
