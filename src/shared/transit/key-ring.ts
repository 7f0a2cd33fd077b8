/**
 * Isolate-local cache of transit key rings: a key's policy row, its wrapped versions and,
 * lazily, the unwrapped versions as non-extractable CryptoKeys (and per-context derived
 * keys). A hit costs no D1 query and no unwrap.
 *
 * Consistency: a change made through this isolate (create, rotate, policy update,
 * delete) evicts the ring at once. Other isolates keep their copy for at most the TTL
 * (TRANSIT_KEY_CACHE_TTL_SECONDS, default 30, capped at 60): within that bound they may
 * still encrypt with the previous latest version, honour the previous min versions, or
 * use a key that was just deleted. A ciphertext of a version newer than the cached ring
 * forces a reload, so a rotation elsewhere never makes new ciphertexts undecryptable here.
 */
import { and, eq } from "drizzle-orm";
import type { KeyEnv } from "../crypto/tenant-kek";
import { cacheTtlMs } from "../cache-ttl";
import { db, schema } from "../db/client";
import { notFound } from "../errors";
import { toBase64 } from "./base64";
import { algorithmFor, deriveItemKeys, unwrapVersion, type ItemKeys } from "./material";

type KeyRow = typeof schema.transitKeys.$inferSelect;
type VersionRow = typeof schema.transitKeyVersions.$inferSelect;

export interface RingEnv extends KeyEnv {
  /** Seconds another isolate may serve a ring after a change; default 30, max 60. */
  TRANSIT_KEY_CACHE_TTL_SECONDS?: string;
}

export interface KeyRing {
  meta: KeyRow;
  versions: Map<number, VersionRow>;
  unwrapped: Map<number, Promise<CryptoKey>>;
  derived: Map<string, Promise<ItemKeys>>;
}

const MAX_RINGS = 10_000;
/** Derived keys kept per ring; contexts beyond this are derived per request. */
const MAX_DERIVED_PER_RING = 1024;
/** Longer contexts are not used as cache keys (memory), only derived per request. */
const MAX_CACHED_CONTEXT_BYTES = 256;

const rings = new Map<string, { ring: Promise<KeyRing>; expiresAt: number }>();
const cacheKey = (tenantId: string, name: string) => `${tenantId}\u0000${name}`;

async function readRing(d1: D1Database, tenantId: string, name: string): Promise<KeyRing> {
  const d = db(d1);
  const [rows, versions] = await d.batch([
    d.select().from(schema.transitKeys).where(and(eq(schema.transitKeys.tenantId, tenantId), eq(schema.transitKeys.name, name))),
    d.select().from(schema.transitKeyVersions).where(and(eq(schema.transitKeyVersions.tenantId, tenantId), eq(schema.transitKeyVersions.name, name))),
  ]);
  if (!rows[0]) throw notFound("The transit key");
  return { meta: rows[0], versions: new Map(versions.map((v) => [v.version, v])), unwrapped: new Map(), derived: new Map() };
}

/**
 * The tenant's key ring for `name` (404 when the tenant has no such key). `fresh` skips
 * the cache, for a version newer than the cached ring.
 */
export function loadRing(env: RingEnv, tenantId: string, name: string, options: { fresh?: boolean } = {}): Promise<KeyRing> {
  const k = cacheKey(tenantId, name);
  const now = Date.now();
  const ttl = cacheTtlMs(env.TRANSIT_KEY_CACHE_TTL_SECONDS);
  const hit = rings.get(k);
  if (hit && ttl > 0 && !options.fresh && hit.expiresAt > now) return hit.ring;
  const ring = readRing(env.DB, tenantId, name);
  if (ttl > 0) {
    if (!hit && rings.size >= MAX_RINGS) {
      const oldest = rings.keys().next().value;
      if (oldest !== undefined) rings.delete(oldest);
    }
    const entry = { ring, expiresAt: now + ttl };
    rings.set(k, entry);
    // Failures (404, D1 errors) are not cached.
    ring.catch(() => {
      if (rings.get(k) === entry) rings.delete(k);
    });
  }
  return ring;
}

/** Forgets the cached ring (after a change through this isolate). */
export function evictRing(tenantId: string, name: string): void {
  rings.delete(cacheKey(tenantId, name));
}

/** The unwrapped key of `version`; the caller has checked the version is in the ring. */
export function versionKey(env: RingEnv, ring: KeyRing, version: number): Promise<CryptoKey> {
  let pending = ring.unwrapped.get(version);
  if (!pending) {
    const row = ring.versions.get(version);
    if (!row) return Promise.reject(new Error(`transit key version ${version} is not in the ring`));
    pending = unwrapVersion(env, row, algorithmFor(ring.meta.type, ring.meta.derived));
    ring.unwrapped.set(version, pending);
    pending.catch(() => ring.unwrapped.delete(version));
  }
  return pending;
}

/** The AES (and convergent IV) keys for one version and context; derived keys are cached per context. */
export async function itemKeys(env: RingEnv, ring: KeyRing, version: number, context: Uint8Array | undefined): Promise<ItemKeys> {
  const base = await versionKey(env, ring, version);
  if (!ring.meta.derived) return { aes: base };
  if (!context) throw new Error("a derived key needs a context");
  if (context.byteLength > MAX_CACHED_CONTEXT_BYTES) return deriveItemKeys(base, context, ring.meta.convergent);
  const k = `${version}:${toBase64(context)}`;
  let pending = ring.derived.get(k);
  if (!pending) {
    if (ring.derived.size >= MAX_DERIVED_PER_RING) {
      const oldest = ring.derived.keys().next().value;
      if (oldest !== undefined) ring.derived.delete(oldest);
    }
    pending = deriveItemKeys(base, context, ring.meta.convergent);
    ring.derived.set(k, pending);
    pending.catch(() => ring.derived.delete(k));
  }
  return pending;
}
