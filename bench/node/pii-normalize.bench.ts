// The cost of the detection form (src/shared/pii/normalize.ts) under Node: the normalisation step alone beside the
// whole detection of the same strings, on the dataset-jobs records (all ASCII: the fast path), on the same records
// with accented and decomposed text, and on the independent eval corpus (DEV split; ~28 % of its texts are not ASCII).
// Read the ratio "step alone / whole detection" of each input, measured in one run.
import { readFileSync } from "node:fs";
import { test } from "vitest";
import { detectText, forEachJsonLeaf, prepareOptions } from "../../src/shared/pii/detect";
import { detectJsonWithNames } from "../../src/shared/pii/member-names";
import { toDetectionForm } from "../../src/shared/pii/normalize";
import { jobRecord } from "../dataset-jobs-records.mjs";

const N = 1000;
const ascii = Array.from({ length: N }, (_, i) => jobRecord(i) as unknown);
// The same records in other scripts and forms: NFC accents, NFD accents, an internationalised address, fullwidth digits.
const accented = Array.from(
  { length: N },
  (_, i) =>
    JSON.parse(
      JSON.stringify(jobRecord(i))
        .replace(
          "Please reach me at user",
          i % 2 ? "Écrivez à José Müller: jörg" : "Escribe a Jose\u0301 Garci\u0301a: jose\u0301",
        )
        .replace("how do keys rotate?", "¿cómo rotan las claves? ４１５"),
    ) as unknown,
);
// Relative to the repository root, where vitest runs.
const corpus = readFileSync("bench/pii/independent/dev.jsonl", "utf8")
  .split("\n")
  .filter(Boolean)
  .map((l) => JSON.parse(l) as { text: string });
const corpusTexts = corpus.map((e) => e.text);

const stringsOf = (docs: unknown[]) => {
  const out: string[] = [];
  for (const d of docs) forEachJsonLeaf(d, (v) => typeof v === "string" && out.push(v));
  return out;
};
const asciiStrings = stringsOf(ascii);
const accentedStrings = stringsOf(accented);

test("detection form: the step alone beside whole detection (node)", async ({ bench }) => {
  await bench.compare(
    bench(`dataset-jobs records ×${N}: detectJsonWithNames`, () => {
      const o = prepareOptions({});
      for (const d of ascii) detectJsonWithNames(d, o);
    }),
    bench(`dataset-jobs records ×${N}: toDetectionForm of each string`, () => {
      for (const s of asciiStrings) toDetectionForm(s);
    }),
    bench(`accented records ×${N}: detectJsonWithNames`, () => {
      const o = prepareOptions({});
      for (const d of accented) detectJsonWithNames(d, o);
    }),
    bench(`accented records ×${N}: toDetectionForm of each string`, () => {
      for (const s of accentedStrings) toDetectionForm(s);
    }),
    bench(`eval corpus DEV ×${corpusTexts.length}: detectText`, () => {
      const o = prepareOptions({});
      for (const t of corpusTexts) detectText(t, o);
    }),
    bench(`eval corpus DEV ×${corpusTexts.length}: toDetectionForm`, () => {
      for (const t of corpusTexts) toDetectionForm(t);
    }),
    { iterations: 20, time: 0 },
  );
});
