// Name and place words that a list-based or faker-trained detector may know by heart:
// @faker-js/faker's person and location lists (all locales) and the gazetteer's lists.
// Used only to MEASURE the corpus and split recall by it (overlap-stats.mjs, pii:eval);
// never to make or label examples.
import { allLocales } from "@faker-js/faker";
import { readFileSync } from "node:fs";
import { join } from "node:path";

function strings(x, out = []) {
  if (typeof x === "string") out.push(x);
  else if (Array.isArray(x)) x.forEach((y) => strings(y, out));
  else if (x && typeof x === "object") Object.values(x).forEach((y) => strings(y, out));
  return out;
}

/** Lower-case words of a name, split on spaces, hyphens, apostrophes and dots. */
export const words = (s) =>
  s
    .toLowerCase()
    .split(/[\s,.'’-]+/u)
    .filter((w) => w.length > 1);

/** Words of faker's first, middle and last names: { any: all locales, en: English only }. */
export function fakerNameWords() {
  const any = new Set();
  const en = new Set();
  for (const [loc, def] of Object.entries(allLocales)) {
    for (const k of ["first_name", "last_name", "middle_name"]) {
      for (const s of strings(def.person?.[k])) {
        for (const w of words(s)) {
          any.add(w);
          if (loc === "en") en.add(w);
        }
      }
    }
  }
  return { any, en };
}

/** Faker's city, country and state names (lower case), all locales. */
export function fakerPlaces() {
  const out = new Set();
  for (const def of Object.values(allLocales)) {
    for (const k of ["city_name", "country", "state"]) {
      for (const s of strings(def.location?.[k])) out.add(s.toLowerCase());
    }
  }
  return out;
}

/** The gazetteer's lists (lower case): person words and place names. */
export function gazetteer(root) {
  const src = readFileSync(join(root, "src/shared/pii/gazetteer-data.ts"), "utf8");
  const list = (name) =>
    new RegExp(`export const ${name} =\\s*"([^"]*)"`)
      .exec(src)[1]
      .split("|")
      .map((s) => s.toLowerCase());
  return {
    person: new Set([...list("FIRST_NAMES"), ...list("SURNAMES")]),
    place: new Set([...list("CITIES"), ...list("COUNTRIES"), ...list("US_STATES")]),
  };
}
