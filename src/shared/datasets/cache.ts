/**
 * Isolate-local cache of live dataset rows, behind cachedDatasetRow (./service.ts) for the
 * hot lookups: GET /datasets/{id} and every record route, whose D1 query was most of their
 * time (BENCHMARKS.md, "Load"). Entries live at most DATASET_CACHE_TTL_SECONDS (default 5,
 * capped at 60, 0 = off): the bound within which an update or delete made through another
 * isolate is seen. Changes made through this isolate evict at once. A record write only marks
 * the row's counters (record_count, bytes) stale: GET /datasets/{id} reads them again, record
 * routes keep using the row. Keys include the tenant, so another tenant's id is never a hit.
 */
import { cacheTtlMs } from "../cache-ttl";

export interface DatasetCacheEnv {
  DB: D1Database;
  DATASET_CACHE_TTL_SECONDS?: string;
}

interface Entry<Row> {
  row: Row;
  expiresAt: number;
  countersStale: boolean;
}

const DEFAULT_TTL_SECONDS = "5";
const MAX_ENTRIES = 10_000;
const entries = new Map<string, Entry<unknown>>();
const keyOf = (tenantId: string, id: string) => `${tenantId}:${id}`;

/** Milliseconds an entry lives, from DATASET_CACHE_TTL_SECONDS (0: the cache is off). */
export const datasetCacheTtlMs = (env: DatasetCacheEnv) =>
  cacheTtlMs(env.DATASET_CACHE_TTL_SECONDS ?? DEFAULT_TTL_SECONDS);

/** A fresh cached row, or undefined; with `counters`, not one whose counters are stale. */
export function getCachedDataset<Row>(
  tenantId: string,
  id: string,
  counters: boolean,
  now = Date.now(),
): Row | undefined {
  const hit = entries.get(keyOf(tenantId, id));
  if (!hit || hit.expiresAt <= now || (counters && hit.countersStale)) return undefined;
  return hit.row as Row;
}

export function putCachedDataset(tenantId: string, id: string, row: unknown, ttlMs: number, now = Date.now()): void {
  if (ttlMs <= 0) return;
  const key = keyOf(tenantId, id);
  entries.delete(key);
  if (entries.size >= MAX_ENTRIES) {
    // Maps iterate in insertion order: drop the oldest entry.
    const oldest = entries.keys().next().value;
    if (oldest !== undefined) entries.delete(oldest);
  }
  entries.set(key, { row, expiresAt: now + ttlMs, countersStale: false });
}

/** Forgets a dataset: its metadata changed, or it was deleted or purged, through this isolate. */
export function evictDataset(tenantId: string, id: string): void {
  entries.delete(keyOf(tenantId, id));
}

/** After a record write through this isolate: the row stays, its counters are read again for GET. */
export function markCountersStale(tenantId: string, id: string): void {
  const hit = entries.get(keyOf(tenantId, id));
  if (hit) hit.countersStale = true;
}
