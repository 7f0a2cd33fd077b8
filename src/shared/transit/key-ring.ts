/**
 * @deprecated Old names of `key-cache.ts`, kept only for test/transit/key-ring.unit.test.ts until it is
 * renamed with them; new code imports `loadPolicy` / `evictPolicy` from "./key-cache".
 */
export { evictPolicy as evictRing, loadPolicy as loadRing } from "./key-cache";
