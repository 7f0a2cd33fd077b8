/**
 * Isolate cache lifetimes from Worker vars. A cached credential or key outlives a change
 * made through another isolate by at most its lifetime, so every such setting is capped.
 */
export const DEFAULT_CACHE_TTL_SECONDS = 30;
export const MAX_CACHE_TTL_SECONDS = 60;

/**
 * Milliseconds for a `*_CACHE_TTL_SECONDS` setting: the default when unset or not a
 * non-negative number, at most MAX_CACHE_TTL_SECONDS; 0 turns the cache off.
 * @example cacheTtlMs("3600") // 60_000
 */
export function cacheTtlMs(setting: string | undefined): number {
  const n = Number(setting ?? DEFAULT_CACHE_TTL_SECONDS);
  const seconds = Number.isFinite(n) && n >= 0 ? Math.min(n, MAX_CACHE_TTL_SECONDS) : DEFAULT_CACHE_TTL_SECONDS;
  return seconds * 1000;
}
