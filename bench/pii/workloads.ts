/**
 * Deterministic inputs for the PII throughput benchmarks, built from the labelled corpus:
 * JSON records of about 200 B, 1 KB and 10 KB (a customer record whose `notes` field
 * holds corpus sentences), and a 100 KB text of corpus sentences. The same inputs run
 * under Node and in workerd.
 */
import { buildCorpus } from "./corpus";

export interface Workloads {
  records200: Record<string, unknown>[];
  records1k: Record<string, unknown>[];
  records10k: Record<string, unknown>[];
  text100k: string;
  /** 100 KB of ordinary prose without PII: the cost of scanning clean text. */
  prose100k: string;
}

const PROSE =
  "The quarterly review covered shipping delays, the new onboarding flow and the budget for next year. " +
  "Most teams reported steady progress, although two projects slipped by a week because of vendor issues. " +
  "The committee asked for a short summary of risks and a plan to reduce manual work in support. ";

export function buildWorkloads(seed = 11): Workloads {
  const items = buildCorpus(seed, 1500);
  const sentences = items.filter((i) => i.kind === "text" && i.labels.length).map((i) => i.text!);
  const records = items.filter((i) => i.kind === "json").map((i) => i.data!);
  let s = 0;
  const nextSentence = () => sentences[s++ % sentences.length];

  const sized = (target: number) =>
    records.map((r) => {
      const out: Record<string, unknown> = {};
      // Fields in order until the record is about the target size; notes fill the rest.
      for (const [k, v] of Object.entries(r)) {
        if (k === "note") continue;
        out[k] = v;
        if (JSON.stringify(out).length > target) {
          delete out[k];
          break;
        }
      }
      let notes = "";
      while (JSON.stringify({ ...out, notes: notes + " " + "x".repeat(40) }).length < target)
        notes += (notes ? " " : "") + nextSentence();
      if (notes) out.notes = notes;
      return out;
    });

  let text = "";
  while (text.length < 100_000) text += nextSentence() + (s % 5 === 0 ? "\n" : " ");
  return {
    records200: sized(200),
    records1k: sized(1024),
    records10k: sized(10 * 1024),
    text100k: text.slice(0, 100_000),
    prose100k: PROSE.repeat(Math.ceil(100_000 / PROSE.length)).slice(0, 100_000),
  };
}

export const averageBytes = (records: unknown[]) =>
  Math.round(records.reduce<number>((n, r) => n + JSON.stringify(r).length, 0) / records.length);
