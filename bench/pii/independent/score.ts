/**
 * Scores PII findings against the independent corpus (bench/pii/independent/README.md,
 * "Scoring"). Pure: no I/O and no import of the detector, so the vitest suite can check the
 * scorer on hand-made cases inside workerd.
 *
 * Overlap match: a label is found when a finding of its type overlaps it; a finding is a
 * true positive when it overlaps a label of its type. Findings strictly inside an address,
 * email or URL label of another type, and findings on a hard negative whose type is
 * tolerated there, are ignored.
 * Exact match: same type, same start and end. Leak: a label no finding of any type overlaps.
 */

/** A labelled span, in UTF-16 code units of the example's text. */
export interface Span {
  start: number;
  end: number;
  type: string;
}

/** A hard negative: findings on it are false positives unless their type is in `allow`. */
export interface Negative {
  start: number;
  end: number;
  kind: string;
  allow: string[];
}

export interface Example {
  id: string;
  /** Template id; examples of one template are resampled together by bootstrap(). */
  template?: string;
  text: string;
  format: "text" | "json";
  spans: Span[];
  negatives: Negative[];
  /** Corpus metadata used for breakdowns: chat, email, log, csv, json...; as_is, lower, upper; region. */
  register?: string;
  case?: string;
  region?: string;
}

/** A finding located in the example's raw text (JSON findings mapped back by the runner). */
export interface Predicted {
  start: number;
  end: number;
  type: string;
}

export interface Counts {
  /** Labelled spans of this type. */
  labels: number;
  /** Findings of this type that were scored (not ignored). */
  findings: number;
  /** Findings overlapping a label of their type. */
  tp: number;
  /** Labels a finding of their type overlaps. */
  found: number;
  /** Findings that exactly match a label (type, start, end); also the exactly found labels. */
  exact: number;
  /** Labels that no finding of any type overlaps. */
  leaked: number;
}

export interface Rates {
  precision: number;
  recall: number;
  f1: number;
  exactPrecision: number;
  exactRecall: number;
  exactF1: number;
}

export type TypeScore = Counts & Rates & { type: string };

export interface HardNegatives {
  /** Hard-negative spans, and how many of them some false-positive finding touched. */
  spans: number;
  hitSpans: number;
  /** Findings counted as false positives because they touch a hard negative. */
  falsePositives: number;
  byKind: Record<string, { spans: number; hit: number }>;
}

export interface Report {
  examples: number;
  perType: TypeScore[];
  micro: Counts & Rates;
  leak: { labels: number; leaked: number; rate: number; chars: number; leakedChars: number; charRate: number };
  hardNegatives: HardNegatives;
  ignored: number;
}

/** Types that count as one another: the detector retypes a date near "born" to DATE_OF_BIRTH. */
const SAME_AS: Record<string, string> = { DATE_OF_BIRTH: "DATE_TIME" };
export const normType = (t: string): string => SAME_AS[t] ?? t;

/**
 * Labels made of parts: a finding strictly inside one (a LOCATION in an address, a PERSON in
 * an email) redacts part of it; it is neither rewarded nor penalised.
 */
const CONTAINERS = new Set(["STREET_ADDRESS", "EMAIL", "URL"]);

type Range = { start: number; end: number };
const overlaps = (a: Range, b: Range) => a.start < b.end && b.start < a.end;
const inside = (a: Range, b: Range) => a.start >= b.start && a.end <= b.end;

const ratio = (n: number, d: number) => (d ? n / d : n === 0 ? 1 : 0);
const f1 = (p: number, r: number) => (p + r ? (2 * p * r) / (p + r) : 0);

function rates(c: Counts): Rates {
  const precision = ratio(c.tp, c.findings);
  const recall = ratio(c.found, c.labels);
  const exactPrecision = ratio(c.exact, c.findings);
  const exactRecall = ratio(c.exact, c.labels);
  const exactF1 = f1(exactPrecision, exactRecall);
  return { precision, recall, f1: f1(precision, recall), exactPrecision, exactRecall, exactF1 };
}

const zero = (): Counts => ({ labels: 0, findings: 0, tp: 0, found: 0, exact: 0, leaked: 0 });

/**
 * How one finding (type already normalised) counts: `tp` when it overlaps a label of its
 * type (`exact` when it also has that label's span), `ignored` when it is a part of an
 * address, email or URL label or is tolerated on every hard negative it touches, else `fp`
 * with the hard negatives it hit.
 */
export function classify(
  ex: Example,
  p: Predicted,
): { kind: "tp"; exact: boolean } | { kind: "ignored" } | { kind: "fp"; negatives: Negative[] } {
  if (ex.spans.some((l) => l.type === p.type && overlaps(p, l))) {
    return { kind: "tp", exact: ex.spans.some((l) => l.type === p.type && l.start === p.start && l.end === p.end) };
  }
  const part = (l: Span) => CONTAINERS.has(l.type) && inside(p, l) && (p.start > l.start || p.end < l.end);
  if (ex.spans.some(part)) return { kind: "ignored" };
  const touched = ex.negatives.filter((n) => overlaps(p, n));
  if (touched.length && touched.every((n) => n.allow.includes(p.type))) return { kind: "ignored" };
  return { kind: "fp", negatives: touched.filter((n) => !n.allow.includes(p.type)) };
}

/**
 * Scores predictions (one array per example, same order) against the examples' labels.
 * @throws Error when the two arrays differ in length or a finding lies outside its text.
 */
export function score(examples: readonly Example[], predictions: readonly (readonly Predicted[])[]): Report {
  if (examples.length !== predictions.length) {
    throw new Error(`${examples.length} examples but ${predictions.length} predictions`);
  }
  const byType = new Map<string, Counts>();
  const stat = (t: string) => byType.get(t) ?? (byType.set(t, zero()), byType.get(t)!);
  const leak = { labels: 0, leaked: 0, chars: 0, leakedChars: 0 };
  const hard: HardNegatives = { spans: 0, hitSpans: 0, falsePositives: 0, byKind: {} };
  let ignored = 0;

  examples.forEach((ex, i) => {
    const preds = predictions[i].map((p) => ({ ...p, type: normType(p.type) }));
    for (const p of preds) {
      if (!(p.start >= 0 && p.end <= ex.text.length && p.start < p.end)) {
        throw new Error(`${ex.id}: finding ${p.start}-${p.end} outside the text`);
      }
    }
    for (const l of ex.spans) {
      const s = stat(l.type);
      s.labels++;
      if (preds.some((p) => p.type === l.type && overlaps(p, l))) s.found++;
      if (!preds.some((p) => overlaps(p, l))) {
        s.leaked++;
        leak.leaked++;
      }
      leak.labels++;
      leak.chars += l.end - l.start;
      for (let c = l.start; c < l.end; c++) if (!preds.some((p) => p.start <= c && c < p.end)) leak.leakedChars++;
    }
    const hitNegatives = new Set<Negative>();
    for (const p of preds) {
      const c = classify(ex, p);
      if (c.kind === "ignored") {
        ignored++;
        continue;
      }
      const s = stat(p.type);
      s.findings++;
      if (c.kind === "tp") {
        s.tp++;
        if (c.exact) s.exact++;
      } else if (c.negatives.length) {
        hard.falsePositives++;
        for (const n of c.negatives) hitNegatives.add(n);
      }
    }
    for (const n of ex.negatives) {
      const k = (hard.byKind[n.kind] ??= { spans: 0, hit: 0 });
      k.spans++;
      hard.spans++;
      if (hitNegatives.has(n)) {
        k.hit++;
        hard.hitSpans++;
      }
    }
  });

  const perType = [...byType.entries()]
    .map(([type, c]) => ({ type, ...c, ...rates(c) }))
    .sort((a, b) => b.labels - a.labels || a.type.localeCompare(b.type));
  const total = zero();
  for (const c of byType.values()) for (const k of Object.keys(total) as (keyof Counts)[]) total[k] += c[k];
  return {
    examples: examples.length,
    perType,
    micro: { ...total, ...rates(total) },
    leak: { ...leak, rate: ratio(leak.leaked, leak.labels), charRate: ratio(leak.leakedChars, leak.chars) },
    hardNegatives: hard,
    ignored,
  };
}

/** A 95 % interval [low, high]. */
export type Interval = [number, number];

export interface Intervals {
  microF1: Interval;
  leakRate: Interval;
  /** Overlap F1 per labelled type. */
  f1: Record<string, Interval>;
}

/**
 * 95 % percentile intervals of micro F1, leak rate and per-type F1 by a bootstrap over
 * groups of examples (templates: examples of one template are not independent draws), with
 * a seeded generator so a run is reproducible.
 */
export function bootstrap(
  examples: readonly Example[],
  predictions: readonly (readonly Predicted[])[],
  groupOf: (ex: Example) => string,
  rounds = 1000,
  seed = 12,
): Intervals {
  const groups = new Map<string, Report[]>();
  examples.forEach((ex, i) => {
    const g = groupOf(ex);
    groups.set(g, [...(groups.get(g) ?? []), score([ex], [predictions[i]])]);
  });
  // Per group: summed counts per type, so a round only adds a few numbers.
  const sums = [...groups.values()].map((reports) => {
    const byType = new Map<string, Counts>();
    for (const r of reports) {
      for (const t of r.perType) {
        const c = byType.get(t.type) ?? (byType.set(t.type, zero()), byType.get(t.type)!);
        for (const k of Object.keys(c) as (keyof Counts)[]) c[k] += t[k];
      }
    }
    return byType;
  });
  const types = [...new Set(examples.flatMap((ex) => ex.spans.map((l) => l.type)))];
  let state = seed >>> 0;
  const next = () => {
    // xorshift32: enough for resampling indices.
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    return (state >>> 0) / 4294967296;
  };
  const micro: number[] = [];
  const leak: number[] = [];
  const perType = new Map<string, number[]>(types.map((t) => [t, []]));
  for (let round = 0; round < rounds; round++) {
    const total = zero();
    const byType = new Map<string, Counts>(types.map((t) => [t, zero()]));
    for (let k = 0; k < sums.length; k++) {
      const g = sums[Math.floor(next() * sums.length)];
      for (const [t, c] of g) {
        const into = byType.get(t) ?? (byType.set(t, zero()), byType.get(t)!);
        for (const key of Object.keys(c) as (keyof Counts)[]) {
          into[key] += c[key];
          total[key] += c[key];
        }
      }
    }
    micro.push(rates(total).f1);
    leak.push(ratio(total.leaked, total.labels));
    // A draw without any label of a type says nothing about it (F1 would read 1 or 0).
    for (const t of types) if (byType.get(t)!.labels) perType.get(t)!.push(rates(byType.get(t)!).f1);
  }
  const interval = (xs: number[]): Interval => {
    if (!xs.length) return [Number.NaN, Number.NaN];
    const sorted = [...xs].sort((a, b) => a - b);
    return [sorted[Math.floor(0.025 * (sorted.length - 1))], sorted[Math.ceil(0.975 * (sorted.length - 1))]];
  };
  return {
    microF1: interval(micro),
    leakRate: interval(leak),
    f1: Object.fromEntries(types.map((t) => [t, interval(perType.get(t)!)])),
  };
}

/** What became of one label: found by a finding of its type, or at least covered by any finding. */
export interface LabelOutcome {
  id: string;
  type: string;
  value: string;
  found: boolean;
  covered: boolean;
}

/** Per-label outcomes under overlap match, for breakdowns the report does not make itself. */
export function labelOutcomes(
  examples: readonly Example[],
  predictions: readonly (readonly Predicted[])[],
): LabelOutcome[] {
  return examples.flatMap((ex, i) =>
    ex.spans.map((l) => ({
      id: ex.id,
      type: l.type,
      value: ex.text.slice(l.start, l.end),
      found: predictions[i].some((p) => normType(p.type) === l.type && overlaps(p, l)),
      covered: predictions[i].some((p) => overlaps(p, l)),
    })),
  );
}

const pct = (x: number) => (x * 100).toFixed(1);

/** Micro scores and leak rate per group of examples (by register, letter case...), as markdown rows. */
export function formatBreakdown(
  examples: readonly Example[],
  predictions: readonly (readonly Predicted[])[],
  by: (ex: Example) => string,
  heading: string,
): string {
  const groups = new Map<string, number[]>();
  examples.forEach((ex, i) => {
    const g = by(ex);
    groups.set(g, [...(groups.get(g) ?? []), i]);
  });
  const rows = [...groups.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([g, idx]) => {
      const r = score(
        idx.map((i) => examples[i]),
        idx.map((i) => predictions[i]),
      );
      const m = r.micro;
      const cells = [g, idx.length, m.labels, pct(m.precision), pct(m.recall), pct(m.f1), pct(r.leak.rate)];
      return `| ${cells.join(" | ")} |`;
    });
  const head = `| ${heading} | examples | labels | P % | R % | F1 % | leak % |`;
  return [head, "|---|---|---|---|---|---|---|", ...rows].join("\n");
}

/** The report as markdown: per-type table, micro row, leak rate and hard negatives. */
export function formatReport(title: string, r: Report, extra: string[] = [], ci?: Intervals): string {
  const range = (x: Interval | undefined) => (x && !Number.isNaN(x[0]) ? `${pct(x[0])}–${pct(x[1])}` : "-");
  // A type with findings but no labels (e.g. ZIP_CODE) has a precision and nothing else.
  const lab = (s: Counts, x: number) => (s.labels ? pct(x) : "-");
  const row = (name: string, s: Counts & Rates, f1ci?: Interval) =>
    `| ${name} | ${s.labels} | ${s.findings} | ${pct(s.precision)} | ${lab(s, s.recall)} | ${lab(s, s.f1)} |` +
    (ci ? ` ${range(f1ci)} |` : "") +
    ` ${pct(s.exactPrecision)} | ${lab(s, s.exactRecall)} | ${lab(s, s.exactF1)} |` +
    ` ${lab(s, s.leaked / Math.max(1, s.labels))} |`;
  const kinds = Object.entries(r.hardNegatives.byKind).sort(([a], [b]) => a.localeCompare(b));
  return [
    `#### ${title}`,
    "",
    `${r.examples} examples, ${r.leak.labels} labelled spans. **Leak rate ${pct(r.leak.rate)} %** of spans ` +
      `(${r.leak.leaked} not overlapped by any finding), ${pct(r.leak.charRate)} % of labelled characters. ` +
      `Micro F1 ${pct(r.micro.f1)} % (overlap), ${pct(r.micro.exactF1)} % (exact span).`,
    ...(ci
      ? [
          `95 % intervals (bootstrap over templates): leak rate ${range(ci.leakRate)} %, ` +
            `micro F1 ${range(ci.microF1)} %.`,
        ]
      : []),
    ...extra,
    "",
    `| type | labels | findings | P % | R % | F1 % |${ci ? " F1 95 % CI |" : ""}` +
      " exact P % | exact R % | exact F1 % | leak % |",
    `|---|---|---|---|---|---|${ci ? "---|" : ""}---|---|---|---|`,
    ...r.perType.map((s) => row(s.type, s, ci?.f1[s.type])),
    row("**micro**", r.micro, ci?.microF1),
    "",
    `Hard negatives: ${r.hardNegatives.hitSpans} of ${r.hardNegatives.spans} reported ` +
      `(${r.hardNegatives.falsePositives} false-positive findings): ` +
      kinds.map(([k, v]) => `${k} ${v.hit}/${v.spans}`).join(", ") +
      `. Ignored findings (parts of an address, email or URL label, or tolerated on a negative): ${r.ignored}.`,
  ].join("\n");
}
