/**
 * Per-tenant purpose keys (pseudonym HMAC key, FPE key, token-vault key, hash salt):
 * random, wrapped by the tenant KEK, stored in D1 `tenant_secrets`, created lazily on
 * first use. Creation is race-safe: every racer inserts with INSERT OR IGNORE and then
 * reads the row back, so all isolates end up with the one key that won.
 */
import { and, desc, eq } from "drizzle-orm";
import { db, schema } from "../db/client";
import { getOrLoad } from "../promise-cache";
import { aad } from "./aes-gcm";
import { tenantKek, type KeyEnv } from "./tenant-kek";
import { createWrappedKey, unwrapKey, unwrapRawKey, type WrappedAlgorithm } from "./wrapping";

export type SecretPurpose = "pii-hmac" | "pii-fpe" | "pii-token" | "pii-salt" | "export-url" | "search-cursor";

type SecretRow = typeof schema.tenantSecrets.$inferSelect;

/** Binds a wrapped secret to its tenant, purpose and version, so rows cannot be swapped. */
export const secretAad = (tenantId: string, purpose: string, version: number) =>
  aad("tenant-secret", tenantId, purpose, version);

async function latestRow(env: KeyEnv, tenantId: string, purpose: SecretPurpose): Promise<SecretRow | undefined> {
  return db(env.DB)
    .select()
    .from(schema.tenantSecrets)
    .where(and(eq(schema.tenantSecrets.tenantId, tenantId), eq(schema.tenantSecrets.purpose, purpose)))
    .orderBy(desc(schema.tenantSecrets.version))
    .limit(1)
    .get();
}

/** The newest row of a purpose, creating version 1 if there is none. */
async function ensureRow(env: KeyEnv, tenantId: string, purpose: SecretPurpose): Promise<SecretRow> {
  const existing = await latestRow(env, tenantId, purpose);
  if (existing) return existing;
  const kek = await tenantKek(env, tenantId);
  const { wrapped } = await createWrappedKey(kek.key, secretAad(tenantId, purpose, 1));
  await db(env.DB)
    .insert(schema.tenantSecrets)
    .values({ tenantId, purpose, version: 1, kekVersion: kek.version, wrapped, createdAt: new Date().toISOString() })
    .onConflictDoNothing();
  const row = await latestRow(env, tenantId, purpose);
  if (!row) throw new Error(`tenant secret ${purpose} could not be created`);
  return row;
}

const cache = new Map<string, Promise<unknown>>();

/** One pending unwrap per key, forgotten if it fails (see promise-cache.ts). */
const cached = <T>(key: string, make: () => Promise<T>): Promise<T> =>
  getOrLoad(cache as Map<string, Promise<T>>, key, make);

async function unwrapRow(env: KeyEnv, row: SecretRow) {
  const kek = await tenantKek(env, row.tenantId, row.kekVersion);
  return { kek: kek.key, aad: secretAad(row.tenantId, row.purpose, row.version) };
}

/**
 * A tenant secret as a non-extractable WebCrypto key (HMAC-SHA-256 or AES-256-GCM),
 * cached per isolate.
 */
export function tenantSecretKey(
  env: KeyEnv,
  tenantId: string,
  purpose: SecretPurpose,
  algorithm: WrappedAlgorithm,
): Promise<CryptoKey> {
  return cached(`${tenantId}:${purpose}:${algorithm.name}`, async () => {
    const row = await ensureRow(env, tenantId, purpose);
    const { kek, aad: ad } = await unwrapRow(env, row);
    return unwrapKey(kek, row.wrapped, ad, algorithm);
  });
}

/**
 * A tenant secret as raw bytes, for what WebCrypto cannot do (FF1 format-preserving
 * encryption, salted SHA-256). Kept in memory only, cached per isolate.
 */
export function tenantSecretBytes(env: KeyEnv, tenantId: string, purpose: SecretPurpose): Promise<Uint8Array> {
  return cached(`${tenantId}:${purpose}:raw`, async () => {
    const row = await ensureRow(env, tenantId, purpose);
    const { kek, aad: ad } = await unwrapRow(env, row);
    return unwrapRawKey(kek, row.wrapped, ad);
  });
}

/** Forgets a tenant's cached secrets (after rotation or shredding). */
export function forgetTenantSecrets(tenantId: string): void {
  for (const k of cache.keys()) if (k.startsWith(`${tenantId}:`)) cache.delete(k);
}
