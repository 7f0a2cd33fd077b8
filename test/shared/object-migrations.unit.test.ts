/**
 * The Durable Object migration runner on a real object's SQLite storage (an AuditLogObject
 * hosts it; its own version table is cleared first so the lists below own the object).
 */
import { runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { migrateObject, schemaVersion, type ObjectMigration } from "../../src/shared/db/object-migrations";

function host() {
  const name = `migrations-host:${crypto.randomUUID()}`;
  return <R>(fn: (storage: DurableObjectStorage) => R) =>
    runInDurableObject(env.AUDIT_LOG.get(env.AUDIT_LOG.idFromName(name)), (_i, state) => fn(state.storage));
}

const fresh = (storage: DurableObjectStorage) => storage.sql.exec("DROP TABLE IF EXISTS schema_migrations");

const LIST: ObjectMigration[] = [
  { version: 1, name: "things", sql: "CREATE TABLE things (id INTEGER PRIMARY KEY, label TEXT NOT NULL)" },
  // Not idempotent on purpose: a second application would insert a second row.
  { version: 2, name: "seed", sql: "INSERT INTO things (label) VALUES ('seeded')" },
  { version: 3, name: "things.note", sql: "ALTER TABLE things ADD COLUMN note TEXT" },
];

const labels = (sql: SqlStorage) =>
  sql
    .exec<{ label: string }>("SELECT label FROM things ORDER BY id")
    .toArray()
    .map((r) => r.label);

describe("object migrations", () => {
  it("apply in order once, record each version, and resume from the stored version", async () => {
    const run = host();
    await run((storage) => {
      fresh(storage);
      expect(schemaVersion(storage.sql)).toBe(0);
      expect(migrateObject(storage, LIST.slice(0, 2))).toEqual({ from: 0, to: 2 });
      storage.sql.exec("INSERT INTO things (label) VALUES ('written at 2')");
      expect(migrateObject(storage, LIST.slice(0, 2))).toEqual({ from: 2, to: 2 });
      expect(migrateObject(storage, LIST)).toEqual({ from: 2, to: 3 });
      expect(migrateObject(storage, LIST)).toEqual({ from: 3, to: 3 });
      expect(labels(storage.sql)).toEqual(["seeded", "written at 2"]);
      const rows = storage.sql.exec<{ version: number; name: string }>(
        "SELECT version, name FROM schema_migrations ORDER BY version",
      );
      expect(rows.toArray()).toEqual(LIST.map((m) => ({ version: m.version, name: m.name })));
    });
  });

  it("a failing migration rolls back whole and leaves the object at the version before it", async () => {
    const run = host();
    const broken: ObjectMigration = {
      version: 3,
      name: "broken",
      sql: "CREATE TABLE half_done (a); INSERT INTO no_such_table VALUES (1)",
    };
    await run((storage) => {
      fresh(storage);
      expect(() => migrateObject(storage, [...LIST.slice(0, 2), broken])).toThrow(/no_such_table/);
      expect(schemaVersion(storage.sql)).toBe(2);
      expect(storage.sql.exec("SELECT name FROM sqlite_master WHERE name = 'half_done'").toArray()).toEqual([]);
      expect(labels(storage.sql)).toEqual(["seeded"]);
      // Fixed in code, the next start applies it.
      expect(migrateObject(storage, LIST)).toEqual({ from: 2, to: 3 });
    });
  });

  it("refuses a list with a gap or out of order, before touching storage", async () => {
    const run = host();
    await run((storage) => {
      fresh(storage);
      expect(() => migrateObject(storage, [LIST[0], LIST[2]])).toThrow(/numbered 1, 2, 3/);
      expect(() => migrateObject(storage, [LIST[1], LIST[0]])).toThrow(/numbered 1, 2, 3/);
      expect(schemaVersion(storage.sql)).toBe(0);
    });
  });

  it("code older than the object's schema leaves it as it is", async () => {
    const run = host();
    await run((storage) => {
      fresh(storage);
      migrateObject(storage, LIST);
      expect(migrateObject(storage, LIST.slice(0, 1))).toEqual({ from: 3, to: 3 });
      expect(schemaVersion(storage.sql)).toBe(3);
    });
  });
});
