// Mulberry32 (Tommy Ettinger's 32-bit PRNG): small, fast and seeded, so generated test data
// is the same on every run. Shared by the generators of the PII evaluation corpus and of the
// tagger's training texts: a random source, not data, so sharing it leaves them independent.

/**
 * A generator of floats in [0, 1) from a 32-bit seed; each generator keeps its own state.
 * @param {number} seed
 * @returns {() => number}
 */
export function mulberry32(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
