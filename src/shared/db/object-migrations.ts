/**
 * Numbered, append-only SQLite schema migrations for a Durable Object's own storage (D1
 * has drizzle-kit; see migrations/). Each object class owns one list; the constructor runs
 * `migrateObject` inside `blockConcurrencyWhile`, so no call sees a half-migrated schema.
 *
 * The applied versions are rows of the object's `schema_migrations` table, written in the
 * same transaction as the migration's SQL: a migration that throws rolls back whole and
 * leaves the object at the version before it. Rules for a list:
 * - versions are 1, 2, 3… with no gaps; never edit or reorder one that has shipped, add one;
 * - version 1 of a class that existed before this runner is its old `CREATE TABLE IF NOT
 *   EXISTS` schema, verbatim, so an object created by that code is adopted as version 1
 *   without touching its data;
 * - keep migrations additive (new tables, columns with defaults, indexes), so a rolled-back
 *   deployment can still read an object a newer one has upgraded.
 *
 * @example
 * ctx.blockConcurrencyWhile(async () => {
 *   migrateObject(ctx.storage, DATASET_OBJECT_MIGRATIONS);
 * });
 */

export interface ObjectMigration {
  /** 1, 2, 3…: the schema version this migration brings the object to. */
  version: number;
  /** What it does, for people reading `schema_migrations`. */
  name: string;
  /** One or more statements, run by `sql.exec` inside one transaction. */
  sql: string;
}

export interface MigrationResult {
  /** The version stored before (0: a new object, or one created before versioning). */
  from: number;
  /** The version stored now: the last migration of the list. */
  to: number;
}

/** The table that records applied versions; the name is part of every deployed object's schema. */
export const SCHEMA_MIGRATIONS_TABLE = "schema_migrations";

/** The object's stored schema version: the highest applied migration, or 0. */
export function schemaVersion(sql: SqlStorage): number {
  const exists = sql
    .exec("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?", SCHEMA_MIGRATIONS_TABLE)
    .toArray().length;
  if (!exists) return 0;
  return sql.exec<{ v: number | null }>(`SELECT max(version) AS v FROM ${SCHEMA_MIGRATIONS_TABLE}`).one().v ?? 0;
}

/**
 * Applies, in order, each migration above the stored version, one transaction each.
 * @throws Error when the list is not numbered 1…n, or when a migration's SQL fails (the
 *   object stays at the last version that succeeded; blockConcurrencyWhile then resets it).
 */
export function migrateObject(storage: DurableObjectStorage, migrations: readonly ObjectMigration[]): MigrationResult {
  checkList(migrations);
  const sql = storage.sql;
  const from = schemaVersion(sql);
  const latest = migrations.length;
  if (from > latest) {
    // A rolled-back deployment: additive migrations keep the newer schema readable.
    console.warn(JSON.stringify({ level: "warn", message: "object schema is newer than this code", from, latest }));
    return { from, to: from };
  }
  for (const m of migrations.slice(from)) {
    storage.transactionSync(() => {
      sql.exec(`CREATE TABLE IF NOT EXISTS ${SCHEMA_MIGRATIONS_TABLE} (
        version INTEGER PRIMARY KEY,
        name TEXT NOT NULL,
        applied_at TEXT NOT NULL
      )`);
      sql.exec(m.sql);
      sql.exec(
        `INSERT INTO ${SCHEMA_MIGRATIONS_TABLE} (version, name, applied_at) VALUES (?, ?, ?)`,
        m.version,
        m.name,
        new Date().toISOString(),
      );
    });
  }
  return { from, to: Math.max(from, latest) };
}

function checkList(migrations: readonly ObjectMigration[]): void {
  migrations.forEach((m, i) => {
    if (m.version !== i + 1) {
      const at = `found ${m.version} at position ${i + 1}`;
      throw new Error(`Object migrations must be numbered 1, 2, 3… in order; ${at}`);
    }
  });
}
