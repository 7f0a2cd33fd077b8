#!/usr/bin/env node
// How much of the independent corpus a list-based or faker-trained detector could know by
// heart: the share of PERSON and LOCATION spans with a word found in @faker-js/faker's
// person/location lists (all locales) and in the gazetteer (src/shared/pii/gazetteer-data.ts).
// A measurement made AFTER generation, reported in README.md; nothing here feeds the corpus.
//   node bench/pii/independent/overlap-stats.mjs
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { fakerNameWords, fakerPlaces, gazetteer, words } from "./known-names.mjs";

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, "../../..");
const { any: fakerPerson, en: fakerEnPerson } = fakerNameWords();
const fakerPlace = fakerPlaces();
const { person: gazPerson, place: gazPlace } = gazetteer(root);

const pct = (n, d) => `${((100 * n) / d).toFixed(1)} %`;
for (const split of ["dev", "test"]) {
  const rows = readFileSync(join(here, `${split}.jsonl`), "utf8")
    .trim()
    .split("\n")
    .map((l) => JSON.parse(l));
  const values = (type) =>
    rows.flatMap((r) => r.spans.filter((s) => s.type === type).map((s) => r.text.slice(s.start, s.end)));
  const persons = values("PERSON");
  const places = values("LOCATION");
  const anyWord = (set) => persons.filter((p) => words(p).some((w) => set.has(w))).length;
  const single = persons.filter((p) => words(p).length === 1).length;
  const nonAscii = persons.filter((p) => /\P{ASCII}/u.test(p)).length;
  const n = persons.length;
  console.log(
    `${split}: ${n} PERSON spans (${pct(single, n)} one word, ${pct(nonAscii, n)} non-ASCII); ` +
      `with a word in faker's English name lists ${pct(anyWord(fakerEnPerson), n)}, ` +
      `in any faker locale ${pct(anyWord(fakerPerson), n)}, ` +
      `in the gazetteer ${pct(anyWord(gazPerson), n)}. ${places.length} LOCATION spans: in faker's place lists ` +
      `${pct(places.filter((p) => fakerPlace.has(p.toLowerCase())).length, places.length)}, in the gazetteer ` +
      `${pct(places.filter((p) => gazPlace.has(p.toLowerCase())).length, places.length)}.`,
  );
}
