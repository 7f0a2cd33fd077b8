/**
 * @deprecated Old name of `KeyPolicy` (key-policy.ts), kept only for operations.ts and
 * test/transit/key-ring.unit.test.ts until they are renamed with it; new code imports `KeyPolicy`.
 */
export { KeyPolicy as TransitKeyHandle } from "./key-policy";
