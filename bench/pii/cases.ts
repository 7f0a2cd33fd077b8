/** The PII benchmark cases, shared by the Node and workerd bench files. */
import { bench, describe } from "vitest";
import { detectJson, detectText, prepareOptions } from "../../src/shared/pii/detect";
import { averageBytes, buildWorkloads } from "./workloads";

/** Records per bench iteration: hz × BATCH = records per second. */
export const BATCH = 100;

export function definePiiBenches(runtime: string): void {
  const w = buildWorkloads();
  const opts = prepareOptions();
  const sizes: [string, Record<string, unknown>[]][] = [
    [`200 B (avg ${averageBytes(w.records200)} B)`, w.records200],
    [`1 KB (avg ${averageBytes(w.records1k)} B)`, w.records1k],
    [`10 KB (avg ${averageBytes(w.records10k)} B)`, w.records10k],
  ];
  describe(`PII detection, JSON records, ${BATCH} per iteration (${runtime})`, () => {
    for (const [label, records] of sizes) {
      let i = 0;
      bench(`detectJson ${label}`, () => {
        for (let k = 0; k < BATCH; k++) detectJson(records[i++ % records.length], opts);
      });
    }
  });
  describe(`PII detection, 100 KB text (${runtime})`, () => {
    bench("detectText 100 KB of PII-dense corpus sentences", () => {
      detectText(w.text100k, opts);
    });
    bench("detectText 100 KB of prose without PII", () => {
      detectText(w.prose100k, opts);
    });
  });
}
