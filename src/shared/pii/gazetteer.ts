/**
 * The gazetteer as lookup sets, built once per isolate from the bundled word lists
 * (gazetteer-data.ts, about 39 KB of source, 17 KB gzipped). Keys are lower case;
 * multi-word places are keyed by their words joined with one space.
 */
import { CITIES, COUNTRIES, FIRST_NAMES, SURNAMES, US_STATE_ABBR, US_STATES } from "./gazetteer-data";

const lowerSet = (joined: string) => new Set(joined.split("|").map((w) => w.toLowerCase()));

export const FIRST = lowerSet(FIRST_NAMES);
export const LAST = lowerSet(SURNAMES);

/** Normalises a place name for lookup: lower case, punctuation dropped, single spaces. */
export const placeKey = (s: string) =>
  foldKey(s)
    .replace(/[().,]/g, "")
    .replace(/\s+/g, " ")
    .trim();

const placeSet = (joined: string) => new Set(joined.split("|").map(placeKey));

export const CITY = placeSet(CITIES);
export const COUNTRY = placeSet(COUNTRIES);
export const STATE = placeSet(US_STATES);
/** States plus DC and the territories, which addresses use as often. */
export const STATE_ABBR = new Set([...US_STATE_ABBR.split("|"), "DC", "PR", "GU", "VI", "AS", "MP"]);

/** Lower case without diacritics, so "José" finds "jose". */
export function foldKey(word: string): string {
  const lower = word.toLowerCase();
  // eslint-disable-next-line no-control-regex
  return /[^\x00-\x7f]/.test(lower) ? lower.normalize("NFD").replace(/[\u0300-\u036f]/g, "") : lower;
}

/** Short common names for countries the registry spells out ("United States of America"). */
for (const alias of [
  "usa",
  "united states",
  "uk",
  "britain",
  "great britain",
  "england",
  "scotland",
  "wales",
  "korea",
  "south korea",
  "north korea",
  "russia",
  "vatican",
  "ivory coast",
  "czech republic",
  "holland",
  "the netherlands",
]) {
  COUNTRY.add(alias);
}

/** First words of multi-word places: only these can start a phrase longer than one word. */
export const PLACE_HEADS = new Set<string>();
for (const set of [CITY, COUNTRY, STATE])
  for (const p of set) if (p.includes(" ")) PLACE_HEADS.add(p.slice(0, p.indexOf(" ")));

/** Longest place phrase, in words. */
export const MAX_PLACE_WORDS = 8;

/** Kind of place for a normalised phrase, or undefined. */
export function placeKind(key: string): "country" | "state" | "city" | undefined {
  if (COUNTRY.has(key)) return "country";
  if (STATE.has(key)) return "state";
  if (CITY.has(key)) return "city";
  return undefined;
}
