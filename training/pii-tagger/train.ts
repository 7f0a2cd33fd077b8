/**
 * `npm run pii:train`: generates the training texts (generate.ts, seed fixed), trains the
 * averaged perceptron over the runtime's own features (src/shared/pii/tagger/features.ts),
 * quantises the averaged weights to int8, keeps only non-zero buckets and writes
 * the source of src/shared/pii/tagger/weights.ts. The same seed and options give the same file.
 */
import { decode } from "../../src/shared/pii/tagger/decode";
import {
  allowed,
  features,
  HASH_BITS,
  MAX_FEATURES,
  N_TAGS,
  TAGS,
  tokenize,
  type Tokens,
} from "../../src/shared/pii/tagger/features";
import { expandWeights } from "../../src/shared/pii/tagger/tagger";
import { Generator, type Example } from "./generate";
import { Rng } from "./rng";

export interface TrainOptions {
  seed: number;
  examples: number;
  epochs: number;
  /** Share of the smallest non-zero weights that round to zero (the quantisation floor). */
  prune: number;
  /** Buckets shipped at most (by largest weight). */
  keep: number;
  /** Share of the buckets, by largest weight, kept exactly. */
  exact: number;
}

function goldTags(t: Tokens, ex: Example): Uint8Array {
  const tags = new Uint8Array(t.starts.length);
  for (const s of ex.spans) {
    const base = TAGS.indexOf(`B-${s.type}` as (typeof TAGS)[number]);
    let first = true;
    for (let i = 0; i < t.starts.length; i++) {
      if (t.ends[i] <= s.start || t.starts[i] >= s.end) continue;
      tags[i] = first ? base : base + 1;
      first = false;
    }
  }
  return tags;
}

function spanSet(tags: Uint8Array): Set<string> {
  const out = new Set<string>();
  for (let i = 0; i < tags.length;) {
    if (tags[i] === 0) {
      i++;
      continue;
    }
    let j = i + 1;
    while (j < tags.length && tags[j] === (tags[i] % 2 === 1 ? tags[i] + 1 : tags[i])) j++;
    out.add(`${i}:${j}:${tags[i] - (tags[i] % 2 === 0 ? 1 : 0)}`);
    i = j;
  }
  return out;
}

/** Trains and returns the source of weights.ts. */
export function train(opts: TrainOptions): string {
  const rng = new Rng(opts.seed);
  const gen = new Generator(rng);
  const t0 = Date.now();
  const data: { t: Tokens; gold: Uint8Array }[] = [];
  for (let i = 0; i < opts.examples; i++) {
    const ex = gen.example();
    const t = tokenize(ex.text);
    data.push({ t, gold: goldTags(t, ex) });
  }
  const held: { t: Tokens; gold: Uint8Array }[] = [];
  const heldGen = new Generator(new Rng(opts.seed + 1));
  for (let i = 0; i < 2000; i++) {
    const ex = heldGen.example();
    const t = tokenize(ex.text);
    held.push({ t, gold: goldTags(t, ex) });
  }
  console.log(
    `generated ${data.length} examples, ${data.reduce((a, d) => a + d.t.starts.length, 0)} tokens in ${Date.now() - t0} ms`,
  );

  const size = (1 << HASH_BITS) * N_TAGS;
  const w = new Float32Array(size);
  const acc = new Float64Array(size);
  const ts = new Int32Array(size);
  let step = 0;
  const feats = new Int32Array(MAX_FEATURES);
  const scores = new Float64Array(N_TAGS);
  const update = (idx: number, delta: number) => {
    acc[idx] += (step - ts[idx]) * w[idx];
    ts[idx] = step;
    w[idx] += delta;
  };
  for (let epoch = 0; epoch < opts.epochs; epoch++) {
    rng.shuffle(data);
    let errors = 0;
    let total = 0;
    for (const { t, gold } of data) {
      let prev = 0;
      let prev2 = 0;
      for (let i = 0; i < gold.length; i++) {
        step++;
        const k = features(t, i, prev, prev2, feats);
        scores.fill(0);
        for (let f = 0; f < k; f++) {
          const base = feats[f] * N_TAGS;
          for (let y = 0; y < N_TAGS; y++) scores[y] += w[base + y];
        }
        let best = 0;
        for (let y = 1; y < N_TAGS; y++) if (allowed(prev, y, t.kinds[i]) && scores[y] > scores[best]) best = y;
        const g = gold[i];
        total++;
        if (best !== g) {
          errors++;
          for (let f = 0; f < k; f++) {
            update(feats[f] * N_TAGS + g, 1);
            update(feats[f] * N_TAGS + best, -1);
          }
        }
        prev2 = prev;
        prev = best;
      }
    }
    console.log(`epoch ${epoch + 1}: token error ${((100 * errors) / total).toFixed(2)} % (${Date.now() - t0} ms)`);
  }
  const avg = new Float32Array(size);
  for (let i = 0; i < size; i++) avg[i] = (acc[i] + (step - ts[i]) * w[i]) / step;

  // The few buckets with large weights (bias, tag transitions, the commonest words) are kept
  // exactly; the rest are quantised on a log scale, since they still span three orders of
  // magnitude: code c stands for sign(c)·s0·(e^(|c|/k) − 1), and weights below about s0/2k
  // round to 0 and are dropped.
  const bucketMax = new Float64Array(1 << HASH_BITS);
  for (let i = 0; i < size; i++) bucketMax[(i / N_TAGS) | 0] = Math.max(bucketMax[(i / N_TAGS) | 0], Math.abs(avg[i]));
  const sortedMax = Array.from(bucketMax.filter((x) => x > 0)).sort((a, b) => a - b);
  const exactFloor = sortedMax[Math.floor(sortedMax.length * (1 - opts.exact))];
  // Only the `keep` buckets with the largest weights ship; the rest (rare features) are dropped.
  const keepFloor = sortedMax.length > opts.keep ? sortedMax[sortedMax.length - opts.keep] : 0;
  for (let b = 0; b < 1 << HASH_BITS; b++)
    if (bucketMax[b] < keepFloor) for (let y = 0; y < N_TAGS; y++) avg[b * N_TAGS + y] = 0;
  const exact: number[] = [];
  for (let b = 0; b < 1 << HASH_BITS; b++) if (bucketMax[b] >= exactFloor) exact.push(b);
  const mags = Array.from(
    avg.filter((x) => x !== 0),
    Math.abs,
  ).sort((a, b) => a - b);
  const s0 = mags[Math.floor(mags.length * opts.prune)];
  const k = 127 / Math.log(exactFloor / s0 + 1);
  const q = new Int8Array(size);
  for (let i = 0; i < size; i++) {
    const c = Math.round(k * Math.log(Math.abs(avg[i]) / s0 + 1));
    q[i] = Math.sign(avg[i]) * Math.min(127, c);
  }
  const exactWeights: number[] = [];
  for (const b of exact) {
    for (let y = 0; y < N_TAGS; y++) {
      exactWeights.push(Math.round(avg[b * N_TAGS + y] * 100) / 100);
      q[b * N_TAGS + y] = 0;
    }
  }
  console.log(
    `weights: ${mags.length} non-zero, ${exact.length} exact buckets (|w| ≥ ${exactFloor.toFixed(1)}), s0 ${s0.toPrecision(4)}, k ${k.toPrecision(4)}`,
  );

  // Held-out generated texts (not an evaluation of the detector: same generator).
  const tags = new Uint8Array(4096);
  const margins = new Float64Array(4096);
  const buckets: number[] = [];
  for (let b = 0; b < 1 << HASH_BITS; b++) {
    for (let y = 0; y < N_TAGS; y++)
      if (q[b * N_TAGS + y] !== 0) {
        buckets.push(b);
        break;
      }
  }
  const bytes: number[] = [];
  let last = -1;
  for (const b of buckets) {
    let delta = b - last - 1;
    last = b;
    while (delta >= 0x80) {
      bytes.push((delta & 0x7f) | 0x80);
      delta >>>= 7;
    }
    bytes.push(delta);
  }
  // Per bucket: a byte whose bit y says tag y has a weight, then those weights' codes.
  for (const b of buckets) {
    let mask = 0;
    for (let y = 0; y < N_TAGS; y++) if (q[b * N_TAGS + y] !== 0) mask |= 1 << y;
    bytes.push(mask);
    for (let y = 0; y < N_TAGS; y++) if (q[b * N_TAGS + y] !== 0) bytes.push(q[b * N_TAGS + y] & 0xff);
  }
  let bin = "";
  for (const x of bytes) bin += String.fromCharCode(x);
  const data64 = btoa(bin);
  const shipped = {
    bits: HASH_BITS,
    tags: N_TAGS,
    s0: Number(s0.toPrecision(6)),
    k: Number(k.toPrecision(6)),
    buckets: buckets.length,
    data: data64,
    exact,
    exactWeights,
  };
  const expanded = expandWeights(shipped);
  for (const [label, wts] of [
    ["float", avg],
    ["shipped", expanded],
  ] as const) {
    const c = new Map<string, number[]>();
    for (const { t, gold } of held) {
      const n = gold.length;
      const pt = tags.subarray(0, n);
      decode(t, wts, pt, margins.subarray(0, n));
      const gs = spanSet(gold);
      const ps = spanSet(pt);
      const at = (s: string) => c.get(s.split(":")[2]) ?? (c.set(s.split(":")[2], [0, 0, 0]), c.get(s.split(":")[2])!);
      for (const s of ps) at(s)[gs.has(s) ? 0 : 1]++;
      for (const s of gs) if (!ps.has(s)) at(s)[2]++;
    }
    const row = [...c]
      .sort()
      .map(
        ([k, [tp, fp, fn]]) =>
          `${TAGS[Number(k)].slice(2)} P ${(tp / (tp + fp)).toFixed(3)} R ${(tp / (tp + fn)).toFixed(3)}`,
      );
    console.log(`held-out generated spans, exact (${label}): ${row.join("; ")}`);
  }

  const src = `/**
 * Weights of the PII sequence tagger, generated by \`npm run pii:train\` (training/pii-tagger,
 * seed ${opts.seed}, ${opts.examples} texts, ${opts.epochs} epochs). Do not edit by hand.
 * ${buckets.length} non-zero buckets of ${N_TAGS} int8 weights; code c means sign(c)·s0·(e^(|c|/k) − 1).
 */
export const WEIGHTS = {
  bits: ${HASH_BITS},
  tags: ${N_TAGS},
  s0: ${shipped.s0},
  k: ${shipped.k},
  buckets: ${buckets.length},
  data: "${data64}",
  /** Buckets kept as exact weights (bias, tag transitions, the commonest words), N_TAGS each. */
  exact: [${exact.join(",")}],
  exactWeights: [${exactWeights.join(",")}],
};
`;
  console.log(`weights.ts: ${buckets.length} buckets, ${src.length} bytes (${Date.now() - t0} ms)`);
  return src;
}
