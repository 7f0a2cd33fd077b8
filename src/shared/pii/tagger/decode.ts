/**
 * Greedy left-to-right decoding of the averaged-perceptron tagger: each token gets the
 * tag with the highest summed weight among those allowed after the previous tag (BIO).
 * Shared by the runtime (int8 weights) and the trainer (float weights).
 */
import { allowed, features, MAX_FEATURES, N_TAGS, type Tokens } from "./features";

const feats = new Int32Array(MAX_FEATURES);
const scores = new Float64Array(N_TAGS);

/**
 * Decodes tags into `tags` and, per token, the margin of the chosen tag over O into
 * `margins` (in weight units; 0 for O). `weights` holds N_TAGS weights per bucket.
 */
export function decode(t: Tokens, weights: ArrayLike<number>, tags: Uint8Array, margins: Float64Array): void {
  let prev = 0;
  let prev2 = 0;
  const n = t.starts.length;
  for (let i = 0; i < n; i++) {
    const k = features(t, i, prev, prev2, feats);
    scores.fill(0);
    for (let f = 0; f < k; f++) {
      const base = feats[f] * N_TAGS;
      for (let y = 0; y < N_TAGS; y++) scores[y] += weights[base + y];
    }
    let best = 0;
    for (let y = 1; y < N_TAGS; y++) if (allowed(prev, y, t.kinds[i]) && scores[y] > scores[best]) best = y;
    tags[i] = best;
    margins[i] = scores[best] - scores[0];
    prev2 = prev;
    prev = best;
  }
}
