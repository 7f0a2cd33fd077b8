/**
 * The PERSON / LOCATION / STREET_ADDRESS sequence tagger at run time: an averaged
 * perceptron over hashed token features (features.ts), trained offline by
 * `npm run pii:train` (training/pii-tagger) and shipped as int8 weights in weights.ts.
 * Weights are expanded once per isolate on first use (2^18 buckets × 7 tags as float32: 7.3 MB).
 */
import { decode } from "./decode";
import { HASH_BITS, N_TAGS, newTokens, TAG_ENTITY, tokenize } from "./features";
import { WEIGHTS } from "./weights";

/** One entity span found by the tagger; offsets in UTF-16 code units. */
export interface TaggedSpan {
  type: "PERSON" | "LOCATION" | "STREET_ADDRESS";
  start: number;
  end: number;
  /** 0..1: a logistic of the mean margin over O; 0.5 is the tagger's own decision boundary. */
  score: number;
}

/** The shipped form of the weights (weights.ts). */
export interface ShippedWeights {
  bits: number;
  tags: number;
  s0: number;
  k: number;
  buckets: number;
  data: string;
  exact: readonly number[];
  exactWeights: readonly number[];
}

/** Longest token (UTF-16 code units) the tagger lets into a PERSON, LOCATION or STREET_ADDRESS span. */
export const MAX_ENTITY_TOKEN = 100;

let dense: Float32Array | undefined;
// Reused across calls (a decode is synchronous): allocating typed arrays per text costs more than decoding.
let tagBuf = new Uint8Array(256);
const shared = newTokens();
let marginBuf = new Float64Array(256);

/**
 * Expands shipped weights into one float per (bucket, tag). `data` is base64 of the varint
 * deltas between non-zero buckets, then per bucket a byte whose bit y says tag y has a
 * weight, followed by those weights' int8 codes; code c is the weight
 * sign(c)·s0·(e^(|c|/k) − 1). Buckets in `exact` carry their weights as numbers.
 */
export function expandWeights(sw: ShippedWeights): Float32Array {
  if (sw.bits !== HASH_BITS || sw.tags !== N_TAGS) throw new Error("tagger weights do not match the feature layout");
  const lut = new Float32Array(256);
  for (let c = -128; c < 128; c++) lut[c + 128] = Math.sign(c) * sw.s0 * (Math.exp(Math.abs(c) / sw.k) - 1);
  const bin = atob(sw.data);
  const w = new Float32Array((1 << HASH_BITS) * N_TAGS);
  let p = 0;
  let bucket = -1;
  const buckets = new Int32Array(sw.buckets);
  for (let b = 0; b < sw.buckets; b++) {
    let delta = 0;
    let shift = 0;
    for (;;) {
      const byte = bin.charCodeAt(p++);
      delta |= (byte & 0x7f) << shift;
      if (byte < 0x80) break;
      shift += 7;
    }
    bucket += delta + 1;
    buckets[b] = bucket;
  }
  for (let b = 0; b < sw.buckets; b++) {
    const base = buckets[b] * N_TAGS;
    const mask = bin.charCodeAt(p++);
    for (let y = 0; y < N_TAGS; y++) if (mask & (1 << y)) w[base + y] = lut[((bin.charCodeAt(p++) << 24) >> 24) + 128];
  }
  sw.exact.forEach((b, i) => {
    for (let y = 0; y < N_TAGS; y++) w[b * N_TAGS + y] = sw.exactWeights[i * N_TAGS + y];
  });
  return w;
}

function hasBreak(text: string, from: number, to: number): boolean {
  for (let i = from; i < to; i++) if (text.charCodeAt(i) === 10) return true;
  return false;
}

/**
 * Mean margin over O → score: logistic((margin − m0) / temperature), per entity, set on the
 * dev split so that spans the tagger barely prefers (margin below m0) fall under the
 * default min_score of 0.5. Addresses have larger margins (numbers and street words add up).
 */
export const CALIBRATION: Record<TaggedSpan["type"], [m0: number, temperature: number]> = {
  PERSON: [15, 25],
  LOCATION: [15, 25],
  STREET_ADDRESS: [500, 1500],
};

/**
 * Entity spans of a text, in order. A span is a run of B-/I- tags of one entity; its
 * score is the logistic of its tokens' mean margin over O.
 * @example tagText("My name is Siiri") // [{ type: "PERSON", start: 11, end: 16, score: 0.9 }]
 */
export function tagText(text: string): TaggedSpan[] {
  const t = tokenize(text, shared);
  const n = t.starts.length;
  if (!n) return [];
  if (tagBuf.length < n) {
    tagBuf = new Uint8Array(n * 2);
    marginBuf = new Float64Array(n * 2);
  }
  const tags = tagBuf;
  const margins = marginBuf;
  dense ??= expandWeights(WEIGHTS);
  decode(t, dense, tags, margins, true);
  // No word of a name or place is this long (the longest place names are under 100 letters): a run of
  // thousands of letters would otherwise join a span, and anonymizing it would wipe the run.
  for (let i = 0; i < n; i++) if (t.ends[i] - t.starts[i] > MAX_ENTITY_TOKEN) tags[i] = 0;
  const out: TaggedSpan[] = [];
  for (let i = 0; i < n;) {
    const tag = tags[i];
    if (tag === 0) {
      i++;
      continue;
    }
    const type = TAG_ENTITY[tag] as TaggedSpan["type"];
    let j = i + 1;
    let sum = margins[i];
    // A line break ends a span: a name on one line and a place on the next are two findings.
    while (j < n && tags[j] !== 0 && tags[j] % 2 === 0 && TAG_ENTITY[tags[j]] === type) {
      if (hasBreak(text, t.ends[j - 1], t.starts[j])) break;
      sum += margins[j++];
    }
    // Punctuation never ends a span ("Smith," "Kuopio.").
    let end = j;
    while (end > i + 1 && t.kinds[end - 1] === 2) end--;
    const m = sum / (j - i);
    const [m0, temp] = CALIBRATION[type];
    out.push({ type, start: t.starts[i], end: t.ends[end - 1], score: 1 / (1 + Math.exp(-(m - m0) / temp)) });
    i = j;
  }
  return out;
}
