// The I-JSON body reader (src/shared/json) against plain JSON.parse, under Node (precise timers):
// what the single validating pass costs on record-shaped bodies of 100 KB, 1 MB and 10 MB.
import { test } from "vitest";
import { parseIJson } from "../../src/shared/json/i-json";

function recordBody(targetBytes: number): string {
  const records: unknown[] = [];
  let size = 0;
  for (let i = 0; size < targetBytes; i++) {
    const r = {
      data: {
        id: i,
        prompt: `Question ${i}: what is the capital of France? Answer in one word, please — «merci» 😀`,
        completion: "Paris",
        score: 0.1 * (i % 10),
        tags: ["geo", "easy", `t${i % 7}`],
        meta: { source: "synthetic", created: "2026-11-30T07:00:00Z", nested: { a: [1, 2, 3], b: null, c: true } },
      },
    };
    records.push(r);
    size += JSON.stringify(r).length;
  }
  return JSON.stringify({ records });
}

for (const [label, bytes] of [
  ["100 KB", 100 * 1024],
  ["1 MB", 1024 * 1024],
  ["10 MB", 10 * 1024 * 1024],
] as const) {
  const text = recordBody(bytes);
  test(`JSON body of ${label}`, async ({ bench }) => {
    await bench.compare(
      bench("JSON.parse only", () => {
        JSON.parse(text);
      }),
      bench("I-JSON reader: scan + JSON.parse", () => {
        parseIJson(text);
      }),
    );
  });
}
