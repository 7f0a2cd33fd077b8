/** The PII benchmark cases, shared by the Node and workerd bench files. */
import { test } from "vitest";
import { detectJson, detectText, prepareOptions } from "../../src/shared/pii/detect";
import { tagText } from "../../src/shared/pii/tagger/tagger";
import { averageBytes, buildWorkloads } from "./workloads";

/** Records per bench iteration, per size: hz × batch = records per second. */
const BATCH = { small: 1000, medium: 100, large: 10 };

export function definePiiBenches(runtime: string): void {
  const w = buildWorkloads();
  const opts = prepareOptions();
  const sizes: [string, Record<string, unknown>[], number][] = [
    [`200 B (avg ${averageBytes(w.records200)} B)`, w.records200, BATCH.small],
    [`1 KB (avg ${averageBytes(w.records1k)} B)`, w.records1k, BATCH.medium],
    [`10 KB (avg ${averageBytes(w.records10k)} B)`, w.records10k, BATCH.large],
  ];
  test(`PII detection, JSON records (${runtime})`, async ({ bench }) => {
    const benches = sizes.map(([label, records, batch]) => {
      let i = 0;
      return bench(`detectJson ${label}, ${batch} records per iteration`, () => {
        for (let k = 0; k < batch; k++) detectJson(records[i++ % records.length], opts);
      });
    });
    await bench.compare(...benches, { time: 3000 });
  });
  test(`PII detection, 100 KB text (${runtime})`, async ({ bench }) => {
    await bench.compare(
      bench("detectText 100 KB of PII-dense corpus sentences", () => {
        detectText(w.text100k, opts);
      }),
      bench("detectText 100 KB of prose without PII", () => {
        detectText(w.prose100k, opts);
      }),
      { time: 3000 },
    );
  });
  // The sequence tagger alone (tokenising, features, greedy decode), to show its share.
  test(`PII sequence tagger alone (${runtime})`, async ({ bench }) => {
    let i = 0;
    const notes = w.records200.map((r) =>
      Object.values(r)
        .filter((v) => typeof v === "string")
        .join(" "),
    );
    await bench.compare(
      bench("tagText 100 KB of PII-dense corpus sentences", () => {
        tagText(w.text100k);
      }),
      bench(`tagText the strings of a 200 B record, ${BATCH.small} records per iteration`, () => {
        for (let k = 0; k < BATCH.small; k++) tagText(notes[i++ % notes.length]);
      }),
      { time: 3000 },
    );
  });
}
