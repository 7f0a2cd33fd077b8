/**
 * Greedy left-to-right decoding of the averaged-perceptron tagger: each token gets the
 * tag with the highest summed weight among those allowed after the previous tag (BIO).
 * Shared by the runtime (int8 weights) and the trainer (float weights).
 */
import {
  allowed,
  contextFeatures,
  features,
  LINK,
  MAX_FEATURES,
  N_TAGS,
  PUNCT,
  staticFeatures,
  WORD,
  type Tokens,
} from "./features";

/** Whether token i begins with a lower-case letter. */
function startsLower(t: Tokens, i: number): boolean {
  const c = t.text.charCodeAt(t.starts[i]);
  if (c >= 97 && c <= 122) return true;
  if (c < 128) return false;
  const ch = t.text[t.starts[i]];
  return ch !== ch.toUpperCase();
}

const feats = new Int32Array(MAX_FEATURES);
const scores = new Float64Array(N_TAGS);

/** The summed weights of a token's static features, cached on its WordInfo per document case. */
function staticScores(t: Tokens, i: number, weights: ArrayLike<number>): Float32Array {
  const info = t.info[i];
  const cached = info.statics?.[t.docCase];
  if (cached) return cached;
  const sums = new Float32Array(N_TAGS);
  const k = staticFeatures(t, i, feats, 0);
  for (let f = 0; f < k; f++) {
    const base = feats[f] * N_TAGS;
    for (let y = 0; y < N_TAGS; y++) sums[y] += weights[base + y];
  }
  (info.statics ??= [])[t.docCase] = sums;
  return sums;
}

/**
 * Decodes tags into `tags` and, per token, the margin of the chosen tag over O into
 * `margins` (in weight units; 0 for O). `weights` holds N_TAGS weights per bucket.
 * With `cacheStatics` (fixed weights only: the runtime), the static features' sum is
 * computed once per distinct word and reused.
 */
export function decode(
  t: Tokens,
  weights: ArrayLike<number>,
  tags: Uint8Array,
  margins: Float64Array,
  cacheStatics = false,
): void {
  let prev = 0;
  let prev2 = 0;
  const n = t.starts.length;
  for (let i = 0; i < n; i++) {
    const kind = t.kinds[i];
    // Outside a span, punctuation, e-mails and URLs can only be O: no need to score them. At
    // run time, in text that uses capitals, a word starting in lower case does not start a span
    // either (names there are capitalised): most words of prose are skipped this way.
    const skipWord = cacheStatics && prev === 0 && t.docCase === 0 && kind === WORD && startsLower(t, i);
    if ((kind === PUNCT && prev === 0) || kind === LINK || skipWord) {
      tags[i] = 0;
      margins[i] = 0;
      prev2 = prev;
      prev = 0;
      continue;
    }
    let k: number;
    if (cacheStatics) {
      const st = staticScores(t, i, weights);
      for (let y = 0; y < N_TAGS; y++) scores[y] = st[y];
      k = contextFeatures(t, i, prev, prev2, feats, 0);
    } else {
      scores.fill(0);
      k = features(t, i, prev, prev2, feats);
    }
    for (let f = 0; f < k; f++) {
      const base = feats[f] * N_TAGS;
      for (let y = 0; y < N_TAGS; y++) scores[y] += weights[base + y];
    }
    let best = 0;
    for (let y = 1; y < N_TAGS; y++) if (allowed(prev, y, kind) && scores[y] > scores[best]) best = y;
    tags[i] = best;
    margins[i] = scores[best] - scores[0];
    prev2 = prev;
    prev = best;
  }
}
