/**
 * Tenant key-encryption keys: random per tenant, wrapped by the master key set, stored
 * in D1 (tenant_keys). Unwrapped KEKs are cached per isolate as non-extractable keys.
 */
import { and, desc, eq } from "drizzle-orm";
import { db, schema } from "../db/client";
import { getOrLoad } from "../promise-cache";
import { aad } from "./aes-gcm";
import { masterKeys } from "./master-keys";
import { createWrappedKey, unwrapKey } from "./wrapping";

export interface KeyEnv {
  DB: D1Database;
  MASTER_KEYS?: string;
}

export const kekAad = (tenantId: string, version: number) => aad("tenant-kek", tenantId, version);

const cache = new Map<string, Promise<CryptoKey>>();

/** A new KEK row for a tenant, wrapped under the current master key; the caller inserts it. */
export async function newTenantKek(env: KeyEnv, tenantId: string, version = 1, now = new Date().toISOString()) {
  const master = await masterKeys(env.MASTER_KEYS);
  const { wrapped, key } = await createWrappedKey(master.keys.get(master.current)!, kekAad(tenantId, version));
  cache.set(`${tenantId}:${version}`, Promise.resolve(key));
  return {
    tenantId,
    version,
    masterVersion: master.current,
    wrapped,
    createdAt: now,
  } satisfies typeof schema.tenantKeys.$inferInsert;
}

/** The tenant's KEK of `version`, or its newest when no version is given. */
export async function tenantKek(
  env: KeyEnv,
  tenantId: string,
  version?: number,
): Promise<{ version: number; key: CryptoKey }> {
  if (version !== undefined) {
    const hit = cache.get(`${tenantId}:${version}`);
    if (hit) return { version, key: await hit };
  }
  const where =
    version === undefined
      ? eq(schema.tenantKeys.tenantId, tenantId)
      : and(eq(schema.tenantKeys.tenantId, tenantId), eq(schema.tenantKeys.version, version));
  const row = await db(env.DB)
    .select()
    .from(schema.tenantKeys)
    .where(where)
    .orderBy(desc(schema.tenantKeys.version))
    .limit(1)
    .get();
  if (!row) throw new Error(`tenant ${tenantId} has no key-encryption key${version ? ` of version ${version}` : ""}`);
  const pending = getOrLoad(cache, `${tenantId}:${row.version}`, async () => {
    const master = await masterKeys(env.MASTER_KEYS);
    const wrapping = master.keys.get(row.masterVersion);
    if (!wrapping) throw new Error(`master key version ${row.masterVersion} is not configured`);
    return unwrapKey(wrapping, row.wrapped, kekAad(tenantId, row.version));
  });
  return { version: row.version, key: await pending };
}

/** Forgets cached KEKs of a tenant (after rotation or shredding). */
export function forgetTenantKeks(tenantId: string): void {
  for (const k of cache.keys()) if (k.startsWith(`${tenantId}:`)) cache.delete(k);
}
