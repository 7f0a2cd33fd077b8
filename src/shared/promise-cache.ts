/**
 * Isolate-local caches of pending work (a D1 read, a key unwrap): concurrent callers share
 * one promise, and a promise that rejects is forgotten, so a failure (404, D1 error, bad
 * key) is retried by the next caller instead of being served from the cache.
 */

/**
 * Stores `entry` under `key` and deletes it again when `pending` rejects, unless `key` has
 * been given another entry meanwhile. `entry` is what the map holds: `pending` itself, or a
 * record around it (e.g. with an expiry time). Returns `pending`.
 */
export function cacheUntilRejected<K, E, T>(cache: Map<K, E>, key: K, entry: E, pending: Promise<T>): Promise<T> {
  cache.set(key, entry);
  pending.catch(() => {
    if (cache.get(key) === entry) cache.delete(key);
  });
  return pending;
}

/**
 * The cached promise for `key`, or else `load()`, cached until it rejects. With `maxEntries`,
 * adding a key to a full cache first drops its oldest entry (insertion order).
 */
export function getOrLoad<K, T>(
  cache: Map<K, Promise<T>>,
  key: K,
  load: () => Promise<T>,
  maxEntries?: number,
): Promise<T> {
  const hit = cache.get(key);
  if (hit) return hit;
  if (maxEntries !== undefined) makeRoom(cache, key, maxEntries);
  const pending = load();
  return cacheUntilRejected(cache, key, pending, pending);
}

/** Drops the oldest entry (insertion order) when adding `key` would take `cache` beyond `maxEntries`. */
export function makeRoom<K>(cache: Map<K, unknown>, key: K, maxEntries: number): void {
  if (cache.has(key) || cache.size < maxEntries) return;
  const oldest = cache.keys().next();
  if (!oldest.done) cache.delete(oldest.value);
}
