/** Tenants and API keys over D1: create, list, suspend, issue and revoke keys. */
import { and, asc, eq, gt } from "drizzle-orm";
import { formatApiKey, hashSecret, newSecret } from "../auth/api-key";
import { evictKey, evictTenant } from "../auth/key-cache";
import { newTenantKek, type KeyEnv } from "../crypto/tenant-kek";
import { db, schema } from "../db/client";
import { notFound } from "../errors";
import { newId } from "../ids";
import { decodeCursor, keysetPage } from "../pagination";
import type { ApiKey, Tenant } from "../schema/tenants";

type TenantRow = typeof schema.tenants.$inferSelect;
type KeyRow = typeof schema.apiKeys.$inferSelect;

export const toTenant = (r: TenantRow): Tenant => ({
  id: r.id,
  name: r.name,
  status: r.status,
  created_at: r.createdAt,
  updated_at: r.updatedAt,
});

export const toApiKey = (r: KeyRow): ApiKey => ({
  id: r.id,
  tenant_id: r.tenantId,
  name: r.name,
  scopes: JSON.parse(r.scopes) as string[],
  created_at: r.createdAt,
  revoked_at: r.revokedAt,
});

/** Creates the tenant and its first KEK in one D1 batch (atomic). */
export async function createTenant(env: KeyEnv, name: string, id = newId("tnt")): Promise<Tenant> {
  const now = new Date().toISOString();
  const row: TenantRow = { id, name, status: "active", createdAt: now, updatedAt: now };
  const d = db(env.DB);
  const kek = await newTenantKek(env, id, 1, now);
  await d.batch([d.insert(schema.tenants).values(row), d.insert(schema.tenantKeys).values(kek)]);
  return toTenant(row);
}

export async function getTenant(env: KeyEnv, id: string): Promise<Tenant> {
  const row = await db(env.DB).select().from(schema.tenants).where(eq(schema.tenants.id, id)).get();
  if (!row) throw notFound("The tenant");
  return toTenant(row);
}

export async function listTenants(env: KeyEnv, limit: number, cursor?: string) {
  const after = cursor ? decodeCursor(cursor, { id: "string" }).id : "";
  const rows = await db(env.DB)
    .select()
    .from(schema.tenants)
    .where(gt(schema.tenants.id, after))
    .orderBy(asc(schema.tenants.id))
    .limit(limit + 1)
    .all();
  return keysetPage(rows, limit, toTenant);
}

export async function setTenantStatus(env: KeyEnv, id: string, status: Tenant["status"]): Promise<Tenant> {
  const now = new Date().toISOString();
  const row = await db(env.DB)
    .update(schema.tenants)
    .set({ status, updatedAt: now })
    .where(eq(schema.tenants.id, id))
    .returning()
    .get();
  if (!row) throw notFound("The tenant");
  evictTenant(id);
  return toTenant(row);
}

export async function createApiKey(env: KeyEnv, tenantId: string, name: string, scopes: string[], id = newId("key")) {
  const secret = newSecret();
  const row: KeyRow = {
    id,
    tenantId,
    name,
    secretHash: await hashSecret(secret),
    scopes: JSON.stringify([...new Set(scopes)]),
    createdAt: new Date().toISOString(),
    revokedAt: null,
    lastUsedAt: null,
  };
  await db(env.DB).insert(schema.apiKeys).values(row);
  return { ...toApiKey(row), key: formatApiKey(id, secret) };
}

export async function listApiKeys(env: KeyEnv, tenantId: string, limit: number, cursor?: string) {
  const after = cursor ? decodeCursor(cursor, { id: "string" }).id : "";
  const rows = await db(env.DB)
    .select()
    .from(schema.apiKeys)
    .where(and(eq(schema.apiKeys.tenantId, tenantId), gt(schema.apiKeys.id, after)))
    .orderBy(asc(schema.apiKeys.id))
    .limit(limit + 1)
    .all();
  return keysetPage(rows, limit, toApiKey);
}

/** Revokes a key; revoking twice keeps the first revocation time. */
export async function revokeApiKey(env: KeyEnv, tenantId: string, keyId: string): Promise<ApiKey> {
  const d = db(env.DB);
  const row = await d
    .select()
    .from(schema.apiKeys)
    .where(and(eq(schema.apiKeys.id, keyId), eq(schema.apiKeys.tenantId, tenantId)))
    .get();
  if (!row) throw notFound("The API key");
  evictKey(keyId);
  if (row.revokedAt) return toApiKey(row);
  const updated = await d
    .update(schema.apiKeys)
    .set({ revokedAt: new Date().toISOString() })
    .where(eq(schema.apiKeys.id, keyId))
    .returning()
    .get();
  return toApiKey(updated!);
}
