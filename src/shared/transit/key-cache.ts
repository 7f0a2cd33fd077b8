/**
 * Isolate-local cache of transit key policies (Vault keysutil's policy cache): a key's policy
 * row, its wrapped versions and, lazily, the unwrapped versions as non-extractable CryptoKeys
 * (and per-context derived keys). A hit costs no D1 query and no unwrap.
 *
 * Consistency: a change made through this isolate (create, rotate, policy update,
 * delete) evicts the policy at once. Other isolates keep their copy for at most the TTL
 * (TRANSIT_KEY_CACHE_TTL_SECONDS, default 30, capped at 60): within that bound they may
 * still encrypt with the previous latest version, honour the previous min versions, or
 * use a key that was just deleted. A ciphertext of a version newer than the cached policy
 * forces a reload, so a rotation elsewhere never makes new ciphertexts undecryptable here.
 */
import { and, eq } from "drizzle-orm";
import type { KeyEnv } from "../crypto/tenant-kek";
import { cacheTtlMs } from "../cache-ttl";
import { db, schema } from "../db/client";
import { notFound } from "../errors";
import { cacheUntilRejected, getOrLoad, makeRoom } from "../promise-cache";
import { toBase64 } from "./base64";
import { algorithmFor, deriveItemKeys, unwrapVersion, type ItemKeys } from "./material";

type KeyRow = typeof schema.transitKeys.$inferSelect;
type VersionRow = typeof schema.transitKeyVersions.$inferSelect;

export interface KeyCacheEnv extends KeyEnv {
  /** Seconds another isolate may serve a policy after a change; default 30, max 60. */
  TRANSIT_KEY_CACHE_TTL_SECONDS?: string;
}

export interface CachedPolicy {
  meta: KeyRow;
  versions: Map<number, VersionRow>;
  unwrapped: Map<number, Promise<CryptoKey>>;
  derived: Map<string, Promise<ItemKeys>>;
}

const MAX_POLICIES = 10_000;
/** Derived keys kept per policy; contexts beyond this are derived per request. */
const MAX_DERIVED_PER_POLICY = 1024;
/** Longer contexts are not used as cache keys (memory), only derived per request. */
const MAX_CACHED_CONTEXT_BYTES = 256;

const policies = new Map<string, { policy: Promise<CachedPolicy>; expiresAt: number }>();
const cacheKey = (tenantId: string, name: string) => `${tenantId}\u0000${name}`;

async function readPolicy(d1: D1Database, tenantId: string, name: string): Promise<CachedPolicy> {
  const d = db(d1);
  const [rows, versions] = await d.batch([
    d
      .select()
      .from(schema.transitKeys)
      .where(and(eq(schema.transitKeys.tenantId, tenantId), eq(schema.transitKeys.name, name))),
    d
      .select()
      .from(schema.transitKeyVersions)
      .where(and(eq(schema.transitKeyVersions.tenantId, tenantId), eq(schema.transitKeyVersions.name, name))),
  ]);
  if (!rows[0]) throw notFound("The transit key");
  return {
    meta: rows[0],
    versions: new Map(versions.map((v) => [v.version, v])),
    unwrapped: new Map(),
    derived: new Map(),
  };
}

/**
 * The tenant's key policy for `name` (404 when the tenant has no such key). `fresh` skips
 * the cache, for a version newer than the cached policy.
 */
export function loadPolicy(
  env: KeyCacheEnv,
  tenantId: string,
  name: string,
  options: { fresh?: boolean } = {},
): Promise<CachedPolicy> {
  const k = cacheKey(tenantId, name);
  const now = Date.now();
  const ttl = cacheTtlMs(env.TRANSIT_KEY_CACHE_TTL_SECONDS);
  const hit = policies.get(k);
  if (hit && ttl > 0 && !options.fresh && hit.expiresAt > now) return hit.policy;
  const policy = readPolicy(env.DB, tenantId, name);
  if (ttl <= 0) return policy;
  makeRoom(policies, k, MAX_POLICIES);
  // Failures (404, D1 errors) are not cached.
  return cacheUntilRejected(policies, k, { policy, expiresAt: now + ttl }, policy);
}

/** Forgets the cached policy (after a change through this isolate). */
export function evictPolicy(tenantId: string, name: string): void {
  policies.delete(cacheKey(tenantId, name));
}

/** The unwrapped key of `version`; the caller has checked the version is in the policy. */
export function versionKey(env: KeyCacheEnv, policy: CachedPolicy, version: number): Promise<CryptoKey> {
  const row = policy.versions.get(version);
  if (!row) return Promise.reject(new Error(`transit key version ${version} is not in the cached policy`));
  const algorithm = algorithmFor(policy.meta.type, policy.meta.derived);
  return getOrLoad(policy.unwrapped, version, () => unwrapVersion(env, row, algorithm));
}

/** The AES (and convergent IV) keys for one version and context; derived keys are cached per context. */
export async function itemKeys(
  env: KeyCacheEnv,
  policy: CachedPolicy,
  version: number,
  context: Uint8Array | undefined,
): Promise<ItemKeys> {
  const base = await versionKey(env, policy, version);
  if (!policy.meta.derived) return { aes: base };
  if (!context) throw new Error("a derived key needs a context");
  if (context.byteLength > MAX_CACHED_CONTEXT_BYTES) return deriveItemKeys(base, context, policy.meta.convergent);
  const k = `${version}:${toBase64(context)}`;
  const derive = () => deriveItemKeys(base, context, policy.meta.convergent);
  return getOrLoad(policy.derived, k, derive, MAX_DERIVED_PER_POLICY);
}
