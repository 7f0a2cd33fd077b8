/**
 * KEK rotation of a tenant: a new KEK version, every key the tenant's KEKs wrap (dataset
 * DEKs, tenant secrets, transit key versions) re-wrapped under it a page at a time, and the
 * KEK versions nothing refers to any more retired or destroyed. The wrapped keys themselves do
 * not change, so nothing they seal (records, tokens, transit ciphertexts) is touched.
 *
 * Every write is a compare-and-set on the version a row was read under: a row is stored
 * re-wrapped only if it still names the KEK (or master) version it was unwrapped with, so
 * redelivered and concurrent runs never apply twice, and a row moved by another run in the
 * meantime is left as that run stored it. The statements are returned, not run, so a caller can
 * put them in one D1 transaction with what records their effect (`changes()` right after).
 */
import { dekAad } from "../crypto/dataset-keys";
import { versionAad } from "../transit/material";
import { masterKeys } from "../crypto/master-keys";
import type { KekRewrap } from "../crypto/master-rotation";
import { kekAad, tenantKek, type KeyEnv } from "../crypto/tenant-kek";
import { secretAad } from "../crypto/tenant-secrets";
import { createWrappedKey, rewrapKey } from "../crypto/wrapping";

/** What a tenant KEK wraps: dataset DEKs, tenant secrets, transit key versions. */
export type WrappedKind = "deks" | "secrets" | "transit";

interface WrappedTable {
  table: string;
  /** The column that, with `version`, names a row within the tenant. */
  name: string;
  aad: (tenantId: string, name: string, version: number) => Uint8Array;
}

const TABLES: Record<WrappedKind, WrappedTable> = {
  deks: { table: "dataset_keys", name: "dataset_id", aad: dekAad },
  secrets: { table: "tenant_secrets", name: "purpose", aad: secretAad },
  transit: { table: "transit_key_versions", name: "name", aad: versionAad },
};

/** A wrapped key as stored: its name (dataset id, purpose or transit key name), version and KEK version. */
export interface WrappedRow {
  name: string;
  version: number;
  kek_version: number;
  wrapped: string;
}

/** A row re-wrapped in memory: `[name, version, kek version it was read under, new wrapped form]`. */
export type RewrapItem = [string, number, number, string];

/**
 * A page of a tenant's wrapped keys of one kind, in (name, version) order, after `after`
 * (exclusive) and through `throughName` (inclusive, all versions of it); at most `limit` rows.
 */
export async function readWrapped(
  d1: D1Database,
  tenantId: string,
  kind: WrappedKind,
  opts: { after?: [string, number] | null; throughName?: string | null; limit: number },
): Promise<WrappedRow[]> {
  const { table, name } = TABLES[kind];
  const [afterName, afterVersion] = opts.after ?? ["", 0];
  const rows = await d1
    .prepare(
      `SELECT ${name} AS name, version, kek_version, wrapped FROM ${table}
       WHERE tenant_id = ?1 AND (${name} > ?2 OR (${name} = ?2 AND version > ?3)) AND (?4 IS NULL OR ${name} <= ?4)
       ORDER BY ${name}, version LIMIT ?5`,
    )
    .bind(tenantId, afterName, afterVersion, opts.throughName ?? null, opts.limit)
    .all<WrappedRow>();
  return rows.results;
}

/**
 * Re-wraps, in memory, the rows under a KEK version below `target` (rows under `target` or a
 * newer version are left). The raw keys exist only inside WebCrypto calls and are zeroed.
 * @throws DecryptionError when a row does not unwrap under the KEK it names.
 */
export async function rewrapRows(
  env: KeyEnv,
  tenantId: string,
  kind: WrappedKind,
  rows: readonly WrappedRow[],
  target: number,
): Promise<RewrapItem[]> {
  const stale = rows.filter((r) => r.kek_version < target);
  if (!stale.length) return [];
  const to = await tenantKek(env, tenantId, target);
  const out: RewrapItem[] = [];
  for (const row of stale) {
    const from = await tenantKek(env, tenantId, row.kek_version);
    const aad = TABLES[kind].aad(tenantId, row.name, row.version);
    const wrapped = await rewrapKey({ key: from.key, aad }, { key: to.key, aad }, row.wrapped);
    out.push([row.name, row.version, row.kek_version, wrapped]);
  }
  return out;
}

/** Stores re-wrapped rows under KEK `target`, each only if it still names the KEK version it was read under. */
export function rewrapStatement(
  d1: D1Database,
  tenantId: string,
  kind: WrappedKind,
  items: readonly RewrapItem[],
  target: number,
): D1PreparedStatement {
  const { table, name } = TABLES[kind];
  return d1
    .prepare(
      `UPDATE ${table} SET kek_version = ?1, wrapped = json_extract(j.value, '$[3]') FROM json_each(?2) AS j
       WHERE ${table}.tenant_id = ?3 AND ${table}.${name} = json_extract(j.value, '$[0]')
         AND ${table}.version = json_extract(j.value, '$[1]') AND ${table}.kek_version = json_extract(j.value, '$[2]')`,
    )
    .bind(target, JSON.stringify(items), tenantId);
}

/** Stores KEKs re-wrapped under master `masterVersion` (master-rotation.ts), each only if it still names the master version it was read under. */
export function kekRewrapStatement(
  d1: D1Database,
  tenantId: string,
  rewraps: readonly KekRewrap[],
  masterVersion: number,
): D1PreparedStatement {
  return d1
    .prepare(
      `UPDATE tenant_keys SET master_version = ?1, wrapped = json_extract(j.value, '$[2]') FROM json_each(?2) AS j
       WHERE tenant_keys.tenant_id = ?3 AND tenant_keys.version = json_extract(j.value, '$[0]')
         AND tenant_keys.master_version = json_extract(j.value, '$[1]')`,
    )
    .bind(masterVersion, JSON.stringify(rewraps.map((r) => [r.version, r.fromMaster, r.wrapped])), tenantId);
}

/**
 * Makes KEK `version` of the tenant, wrapped under the newest master key, unless it exists:
 * of racing calls the first insert wins and the others change nothing. Nothing is cached
 * here, so a call that lost the race leaves no other key in memory under that version.
 */
export async function ensureKekVersion(env: KeyEnv, tenantId: string, version: number): Promise<void> {
  const master = await masterKeys(env.MASTER_KEYS);
  const { wrapped } = await createWrappedKey(master.keys.get(master.current)!, kekAad(tenantId, version));
  await env.DB.prepare(
    "INSERT OR IGNORE INTO tenant_keys (tenant_id, version, master_version, wrapped, created_at) VALUES (?, ?, ?, ?, ?)",
  )
    .bind(tenantId, version, master.current, wrapped, new Date().toISOString())
    .run();
}

/** The tenant's newest KEK version (0 when it has none). */
export async function newestKekVersion(d1: D1Database, tenantId: string): Promise<number> {
  const row = await d1
    .prepare("SELECT max(version) AS v FROM tenant_keys WHERE tenant_id = ?")
    .bind(tenantId)
    .first<{ v: number | null }>();
  return row?.v ?? 0;
}

/** Wrapped keys of the tenant, per kind, under a KEK version below `target`. */
export async function keysBelow(
  d1: D1Database,
  tenantId: string,
  target: number,
): Promise<Record<WrappedKind, number>> {
  const kinds = Object.keys(TABLES) as WrappedKind[];
  const res = await d1.batch(
    kinds.map((k) =>
      d1
        .prepare(`SELECT count(*) AS n FROM ${TABLES[k].table} WHERE tenant_id = ? AND kek_version < ?`)
        .bind(tenantId, target),
    ),
  );
  return Object.fromEntries(kinds.map((k, i) => [k, (res[i].results[0] as { n: number }).n])) as Record<
    WrappedKind,
    number
  >;
}

/** SQL: the tenant_keys row in scope is the KEK of no wrapped key. */
const UNREFERENCED = Object.values(TABLES)
  .map(
    ({ table }) =>
      `NOT EXISTS (SELECT 1 FROM ${table} w WHERE w.tenant_id = tenant_keys.tenant_id AND w.kek_version = tenant_keys.version)`,
  )
  .join(" AND ");

/** Marks retired (at `at`) the tenant's KEK versions below `target` that no wrapped key names; `changes()` counts them. */
export function retireKeksStatement(d1: D1Database, tenantId: string, target: number, at: string) {
  return d1
    .prepare(
      `UPDATE tenant_keys SET retired_at = ? WHERE tenant_id = ? AND version < ? AND retired_at IS NULL AND ${UNREFERENCED}`,
    )
    .bind(at, tenantId, target);
}

/**
 * Deletes the tenant's retired KEK versions below `target` that no wrapped key names (checked
 * in the same statement, so a key re-wrapped back under one keeps it); `changes()` counts them.
 */
export function destroyRetiredKeksStatement(d1: D1Database, tenantId: string, target: number) {
  return d1
    .prepare(
      `DELETE FROM tenant_keys WHERE tenant_id = ? AND version < ? AND retired_at IS NOT NULL AND ${UNREFERENCED}`,
    )
    .bind(tenantId, target);
}

/** One KEK version of a tenant as the operator sees it (never key material). */
export interface KekVersionStatus {
  version: number;
  master_version: number;
  created_at: string;
  retired_at: string | null;
  /** Wrapped keys under this KEK version: dataset DEK versions, tenant secrets, transit key versions. */
  wrapped_keys: { deks: number; purpose_keys: number; transit: number };
}

/**
 * A tenant's key hierarchy, counts only: its KEK versions with the master version each is
 * wrapped under and how many keys each wraps, and which master versions its rows still need.
 */
export async function tenantKeyStatus(env: KeyEnv, tenantId: string) {
  const master = await masterKeys(env.MASTER_KEYS);
  const d1 = env.DB;
  const kinds = Object.keys(TABLES) as WrappedKind[];
  const [keks, ...counts] = await d1.batch([
    d1
      .prepare(
        "SELECT version, master_version, created_at, retired_at FROM tenant_keys WHERE tenant_id = ? ORDER BY version",
      )
      .bind(tenantId),
    ...kinds.map((k) =>
      d1
        .prepare(`SELECT kek_version, count(*) AS n FROM ${TABLES[k].table} WHERE tenant_id = ? GROUP BY kek_version`)
        .bind(tenantId),
    ),
  ]);
  const rows = keks.results as Omit<KekVersionStatus, "wrapped_keys">[];
  const under = (i: number, version: number) =>
    (counts[i].results as { kek_version: number; n: number }[]).find((c) => c.kek_version === version)?.n ?? 0;
  const versions: KekVersionStatus[] = rows.map((r) => ({
    ...r,
    wrapped_keys: {
      deks: under(kinds.indexOf("deks"), r.version),
      purpose_keys: under(kinds.indexOf("secrets"), r.version),
      transit: under(kinds.indexOf("transit"), r.version),
    },
  }));
  const needed = [...new Set(rows.map((r) => r.master_version))].sort((a, b) => a - b);
  return {
    tenant_id: tenantId,
    master_version: master.current,
    master_versions_in_use: needed,
    kek_versions: versions,
  };
}
