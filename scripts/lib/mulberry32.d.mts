// Types for mulberry32.mjs (imported by training/pii-tagger/rng.ts).
export declare function mulberry32(seed: number): () => number;
