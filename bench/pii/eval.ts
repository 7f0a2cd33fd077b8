/**
 * Precision, recall and F1 per entity type of the detector on the labelled corpus.
 * A finding counts as a true positive when a label of the SAME type overlaps its span
 * (and, for records, sits at the same JSON path); each label matches at most one finding.
 * Exact-span agreement is reported beside it, since overlap is the lenient reading.
 */
import { detectJson, detectText, prepareOptions } from "../../src/shared/pii/detect";
import { ENTITY_TYPES } from "../../src/shared/pii/entities";
import type { Finding } from "../../src/shared/pii/types";
import type { CorpusItem, Label } from "./corpus";

export interface TypeScore {
  type: string;
  tp: number;
  fp: number;
  fn: number;
  exact: number;
  precision: number;
  recall: number;
  f1: number;
}

export interface Evaluation {
  scores: TypeScore[];
  /** Recall on PERSON names drawn from non-English locales. */
  oovPersonRecall: { found: number; total: number };
  /** Recall per type on values planted with no context word ("I noted X in the log."). */
  bareRecall: Map<string, { found: number; total: number }>;
  falsePositives: { type: string; text: string; context: string }[];
  misses: { type: string; text: string; context: string }[];
}

const sameSpan = (f: Finding, l: Label) => f.start === l.start && f.end === l.end;
const overlaps = (f: Finding, l: Label) => f.start < l.end && l.start < f.end && (f.path ?? "") === (l.path ?? "");

function valueAt(item: CorpusItem, path: string | undefined): string {
  if (item.kind === "text") return item.text!;
  return String(item.data![path!.slice(2)] ?? "");
}

export function evaluate(items: CorpusItem[], opts = prepareOptions()): Evaluation {
  const stats = new Map<string, { tp: number; fp: number; fn: number; exact: number }>();
  const stat = (t: string) => stats.get(t) ?? (stats.set(t, { tp: 0, fp: 0, fn: 0, exact: 0 }), stats.get(t)!);
  const falsePositives: Evaluation["falsePositives"] = [];
  const misses: Evaluation["misses"] = [];
  const bareRecall = new Map<string, { found: number; total: number }>();
  let oovFound = 0;
  let oovTotal = 0;
  for (const item of items) {
    const findings = item.kind === "text" ? detectText(item.text!, opts) : detectJson(item.data, opts);
    const used = new Set<Label>();
    for (const f of findings) {
      const label = item.labels.find((l) => !used.has(l) && l.type === f.type && overlaps(f, l));
      const s = stat(f.type);
      if (label) {
        used.add(label);
        s.tp++;
        if (sameSpan(f, label)) s.exact++;
      } else {
        s.fp++;
        const v = valueAt(item, f.path);
        falsePositives.push({
          type: f.type,
          text: v.slice(f.start, f.end),
          context: v.slice(Math.max(0, f.start - 30), f.end + 30),
        });
      }
    }
    for (const l of item.labels) {
      if (l.note === "bare") {
        const b = bareRecall.get(l.type) ?? (bareRecall.set(l.type, { found: 0, total: 0 }), bareRecall.get(l.type)!);
        b.total++;
        if (used.has(l)) b.found++;
      }
      if (l.note === "oov") {
        oovTotal++;
        if (used.has(l)) oovFound++;
      }
      if (!used.has(l)) {
        stat(l.type).fn++;
        const v = valueAt(item, l.path);
        misses.push({
          type: l.type,
          text: v.slice(l.start, l.end),
          context: v.slice(Math.max(0, l.start - 30), l.end + 30),
        });
      }
    }
  }
  const order = new Map<string, number>(ENTITY_TYPES.map((t, i) => [t, i]));
  const scores = [...stats.entries()]
    .map(([type, s]) => {
      const precision = s.tp + s.fp ? s.tp / (s.tp + s.fp) : 1;
      const recall = s.tp + s.fn ? s.tp / (s.tp + s.fn) : 1;
      const f1 = precision + recall ? (2 * precision * recall) / (precision + recall) : 0;
      return { type, ...s, precision, recall, f1 };
    })
    .sort((a, b) => (order.get(a.type) ?? 99) - (order.get(b.type) ?? 99));
  return { scores, oovPersonRecall: { found: oovFound, total: oovTotal }, bareRecall, falsePositives, misses };
}

/** The evaluation as a markdown table. */
export function formatEvaluation(e: Evaluation, items: CorpusItem[]): string {
  const pct = (x: number) => (x * 100).toFixed(1);
  const rows = e.scores.map(
    (s) =>
      `| ${s.type} | ${s.tp + s.fn} | ${s.tp} | ${s.fp} | ${s.fn} | ${pct(s.precision)} | ${pct(s.recall)} | ${pct(s.f1)} | ${s.tp ? pct(s.exact / s.tp) : "-"} |`,
  );
  const total = e.scores.reduce((a, s) => ({ tp: a.tp + s.tp, fp: a.fp + s.fp, fn: a.fn + s.fn }), {
    tp: 0,
    fp: 0,
    fn: 0,
  });
  const p = total.tp / (total.tp + total.fp);
  const r = total.tp / (total.tp + total.fn);
  return [
    `Corpus: ${items.length} items (${items.filter((i) => i.kind === "text").length} texts, ${items.filter((i) => i.kind === "json").length} JSON records), ${items.reduce((n, i) => n + i.labels.length, 0)} labels.`,
    "",
    "| entity | labels | TP | FP | FN | precision % | recall % | F1 % | exact span % |",
    "|---|---|---|---|---|---|---|---|---|",
    ...rows,
    `| **all (micro)** | ${total.tp + total.fn} | ${total.tp} | ${total.fp} | ${total.fn} | ${pct(p)} | ${pct(r)} | ${pct((2 * p * r) / (p + r))} | |`,
    "",
    `PERSON names from non-English locales (mostly outside the gazetteer): recall ${e.oovPersonRecall.found}/${e.oovPersonRecall.total} = ${pct(e.oovPersonRecall.found / Math.max(1, e.oovPersonRecall.total))}%.`,
    "",
    "Recall on bare values (no context word near them; included in the table above):",
    "",
    "| entity | found / planted |",
    "|---|---|",
    ...[...e.bareRecall.entries()].map(([t, b]) => `| ${t} | ${b.found}/${b.total} |`),
  ].join("\n");
}
