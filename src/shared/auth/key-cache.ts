/**
 * Isolate-local cache of verified API keys, so a request does not cost a D1 query for
 * its key. Entries live at most `ttlSeconds` (AUTH_CACHE_TTL_SECONDS, capped at 60): that
 * is the bound within which a revocation or suspension made through another isolate
 * takes effect. Changes made through this isolate evict at once.
 */
export interface CachedKey {
  keyId: string;
  tenantId: string;
  secretHash: string;
  scopes: readonly string[];
  revoked: boolean;
  tenantStatus: "active" | "suspended";
  expiresAt: number;
}

const MAX_ENTRIES = 10_000;
const entries = new Map<string, CachedKey>();

export function getCachedKey(keyId: string, now = Date.now()): CachedKey | undefined {
  const hit = entries.get(keyId);
  if (!hit) return undefined;
  if (hit.expiresAt <= now) {
    entries.delete(keyId);
    return undefined;
  }
  return hit;
}

export function putCachedKey(entry: CachedKey): void {
  if (entries.size >= MAX_ENTRIES) {
    // Maps iterate in insertion order: drop the oldest entry.
    const oldest = entries.keys().next().value;
    if (oldest !== undefined) entries.delete(oldest);
  }
  entries.set(entry.keyId, entry);
}

export function evictKey(keyId: string): void {
  entries.delete(keyId);
}

export function evictTenant(tenantId: string): void {
  for (const [id, e] of entries) if (e.tenantId === tenantId) entries.delete(id);
}
