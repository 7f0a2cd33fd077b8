/**
 * Entry of `npm run pii:eval` (bundled for Node by scripts/pii-eval.mjs, which does the file
 * I/O): runs the detector at its default options on the independent corpus splits and
 * returns the markdown tables, the raw figures and each label's outcome. `--breakdown` adds
 * micro scores by register, letter case and region; `--errors` adds misses and false
 * positives of the DEV split only (the test split is report-only).
 */
import { prepareOptions } from "../../../src/shared/pii/detect";
import { detectOnly, predict } from "./predict";
import {
  type Example, type Intervals, type LabelOutcome, type Predicted, type Report, bootstrap, formatBreakdown, formatReport, labelOutcomes, normType,
  score,
} from "./score";

const parse = (jsonl: string): Example[] =>
  jsonl
    .split("\n")
    .filter((l) => l.trim())
    .map((l) => JSON.parse(l) as Example);

type Opts = ReturnType<typeof prepareOptions>;

/** Records per second of detection alone (JSON.parse included for JSON records), best of 5 passes. */
function throughput(examples: Example[], opts: Opts): number {
  let best = 0;
  for (let round = 0; round < 5; round++) {
    const t0 = performance.now();
    for (const ex of examples) detectOnly(ex, opts);
    best = Math.max(best, examples.length / ((performance.now() - t0) / 1000));
  }
  return best;
}

function errors(examples: Example[], preds: Predicted[][]): string[] {
  const out: string[] = [];
  const ctx = (t: string, s: number, e: number) => JSON.stringify(t.slice(Math.max(0, s - 25), e + 25));
  examples.forEach((ex, i) => {
    for (const l of ex.spans) {
      if (!preds[i].some((p) => normType(p.type) === l.type && p.start < l.end && l.start < p.end)) {
        const other = preds[i].find((p) => p.start < l.end && l.start < p.end);
        out.push(`MISS ${l.type.padEnd(16)} ${JSON.stringify(ex.text.slice(l.start, l.end))}${other ? ` (found as ${other.type})` : ""}  ${ex.id} ${ctx(ex.text, l.start, l.end)}`);
      }
    }
    for (const p of preds[i]) {
      const t = normType(p.type);
      if (ex.spans.some((l) => (l.type === t && p.start < l.end && l.start < p.end) || (p.start >= l.start && p.end <= l.end))) continue;
      const neg = ex.negatives.find((n) => p.start < n.end && n.start < p.end);
      if (neg && neg.allow.includes(t)) continue;
      out.push(`FP   ${p.type.padEnd(16)} ${JSON.stringify(ex.text.slice(p.start, p.end))}${neg ? ` (hard negative: ${neg.kind})` : ""}  ${ex.id} ${ctx(ex.text, p.start, p.end)}`);
    }
  });
  return out;
}

export interface SplitInput {
  split: string;
  /** The split's JSONL text. */
  jsonl: string;
}

export type SplitResult = Report & { recordsPerSecond: number; avgBytes: number; intervals?: Intervals };

/** Scores each split and formats the report; `runtime` names the machine and Node version. */
export function main(
  inputs: SplitInput[],
  args: string[],
  runtime: string,
): { markdown: string; results: Record<string, SplitResult>; outcomes: Record<string, LabelOutcome[]> } {
  const opts = prepareOptions();
  const sections: string[] = [];
  const results: Record<string, SplitResult> = {};
  const outcomes: Record<string, LabelOutcome[]> = {};
  for (const { split, jsonl } of inputs) {
    const examples = parse(jsonl);
    const preds = examples.map((ex) => predict(ex, opts));
    const report = score(examples, preds);
    const rps = throughput(examples, opts);
    const avgBytes = Math.round(examples.reduce((a, ex) => a + new TextEncoder().encode(ex.text).length, 0) / examples.length);
    results[split] = { ...report, recordsPerSecond: rps, avgBytes };
    const title = `${split.toUpperCase()} split (bench/pii/independent/${split}.jsonl)${split === "test" ? " — report only, never tune on it" : ""}`;
    const ci = bootstrap(examples, preds, (ex) => ex.template ?? ex.id);
    results[split].intervals = ci;
    sections.push(formatReport(title, report, [`Speed: ${Math.round(rps).toLocaleString("en-US")} records/s (avg ${avgBytes} B, one core, best of 5 passes).`], ci));
    outcomes[split] = labelOutcomes(examples, preds);
    if (args.includes("--breakdown")) {
      sections.push(formatBreakdown(examples, preds, (ex) => ex.register ?? "?", "register"));
      sections.push(formatBreakdown(examples, preds, (ex) => ex.case ?? "?", "letter case"));
      sections.push(formatBreakdown(examples, preds, (ex) => ex.region ?? "?", "region"));
    }
    if (args.includes("--errors")) {
      if (split === "dev") sections.push("```\n" + errors(examples, preds).join("\n") + "\n```");
      else sections.push("(errors of the test split are not listed: it is report-only)");
    }
  }
  const markdown = [
    `PII detection on the independent corpus, default options (min_score 0.5). ${runtime}.`,
    "",
    ...sections.flatMap((s) => [s, ""]),
  ].join("\n");
  return { markdown, results, outcomes };
}
