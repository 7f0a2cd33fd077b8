/**
 * Scanner alternatives for street addresses and places, without a model: a building
 * number followed by capitalised words and a USPS street suffix is an address; a run of
 * capitalised words is a place when it spells a city, country or US state (or has an
 * English place-name shape). Person names come from the sequence tagger (../tagger); the
 * run analysis here still uses name lists so that "Georgia Smith" is not a place.
 */
import { contextRule } from "../context";
import { FIRST, foldKey, LAST, MAX_PLACE_WORDS, PLACE_HEADS, placeKey, placeKind, STATE_ABBR } from "../gazetteer";
import { MONTH_ABBR, MONTHS, NAME_SUFFIXES, STOP_WORDS, STREET_SUFFIXES, TITLES } from "../lexicon";
import type { Alternative } from "../scanner";
import type { Candidate } from "../types";

export const LOCATION_CTX = contextRule(
  "in at from to near city town country state lives live living located based visit visited visiting moved born travel traveled travelled trip province region capital headquartered headquarters near around across",
  { boost: 0.2 },
);
const ADDRESS_CTX = contextRule(
  "address addr street lives live living located ship shipping deliver delivery mail mailing home residence resides billing send",
  { boost: 0.15 },
);

const UPPER = String.raw`A-ZÀ-ÖØ-Þ\u0100-\u017F`;
const LOWER = String.raw`a-zß-öø-ÿ\u0100-\u017F`;
const LETTER = String.raw`A-Za-zÀ-ÖØ-öø-ÿ\u0100-\u017F`;
/** A capitalised word (internal capitals, apostrophes and hyphens allowed), or an initial. */
const CAP = String.raw`(?:[${UPPER}][${LETTER}'’-]*[${LOWER}]|[A-Z]\.)`;
const TITLE = `(?:${TITLES.join("|")})\\.?`;
const PARTICLE = "(?:van|von|der|den|de|del|della|da|di|du|la|le|bin|ibn|al|dos|das|do|st\\.|y)";
const NAME_SUFFIX = `(?:${NAME_SUFFIXES.join("|")})\\.?`;

// ---------------------------------------------------------------------------------------
// Street addresses

const SUFFIX_ALT = [...STREET_SUFFIXES].sort((a, b) => b.length - a.length).join("|");
const DIRECTION = String.raw`(?:N|S|E|W|NE|NW|SE|SW|North|South|East|West)\.?`;
const STREET_WORD = String.raw`(?:\d{1,3}(?:st|nd|rd|th)|[A-Z][A-Za-z'’.-]*[a-z]|[A-Z])`;
const SECONDARY = String.raw`(?:,? (?:Apt|Apartment|Suite|Ste|Unit|Bldg|Building|Fl|Floor|Rm|Room|#)\.? ?#?[A-Za-z0-9-]{1,6}(?![\w]))`;
const CITY_TAIL = String.raw`(?:,? ?\n?[ \t]*(?:[A-Z][A-Za-z'’.-]*[a-z] ){0,2}[A-Z][A-Za-z'’.-]*[a-z],? [A-Z]{2}(?: \d{5}(?:-\d{4})?)?(?![\w]))`;
const STREET_CORE = String.raw`\d{1,6}(?:-\d{1,5})?[A-Za-z]?(?: ${DIRECTION})?(?: ${STREET_WORD}){1,4} (?:${SUFFIX_ALT})\.?(?![\w])(?: ${DIRECTION}(?![\w]))?`;

const coreRe = new RegExp(`^${STREET_CORE}${SECONDARY}?`);

export const streetAddress: Alternative = {
  name: "street_address",
  source: String.raw`(?<![\w.-])${STREET_CORE}${SECONDARY}?${CITY_TAIL}?`,
  handle(m, start, _text, out) {
    const core = coreRe.exec(m)![0];
    let end = start + m.length;
    let score = 0.75;
    if (m.length > core.length) {
      // A city tail must end in a real state abbreviation, else give it back.
      const state = /,? ([A-Z]{2})(?: \d{5}(?:-\d{4})?)?$/.exec(m);
      if (state && STATE_ABBR.has(state[1])) score = 0.9;
      else end = start + core.length;
    }
    if (/\d (?:Apt|Apartment|Suite|Ste|Unit|#)/.test(m) || SECONDARY_RE.test(core)) score = Math.max(score, 0.85);
    out.push({ type: "STREET_ADDRESS", start, end, score, recognizer: "street_address", context: ADDRESS_CTX });
    return end;
  },
};
const SECONDARY_RE = new RegExp(SECONDARY + "$");

// ---------------------------------------------------------------------------------------
// Persons and places

interface Token {
  text: string;
  key: string;
  start: number;
  end: number;
  title: boolean;
  suffix: boolean;
  initial: boolean;
  particle: boolean;
  stop: boolean;
  first: boolean;
  last: boolean;
}

const TITLE_SET = new Set(TITLES.map((t) => t.toLowerCase()));
const SUFFIX_SET = new Set(NAME_SUFFIXES.map((t) => t.toLowerCase()));

const PARTICLES = new Set([
  "van",
  "von",
  "der",
  "den",
  "de",
  "del",
  "della",
  "da",
  "di",
  "du",
  "la",
  "le",
  "bin",
  "ibn",
  "al",
  "dos",
  "das",
  "do",
  "st.",
  "y",
]);
const TOKEN = /[^\s,]+/g;

function tokenize(m: string, offset: number): Token[] {
  const out: Token[] = [];
  TOKEN.lastIndex = 0;
  let t: RegExpExecArray | null;
  while ((t = TOKEN.exec(m)) !== null) {
    const text = t[0];
    let key = foldKey(text);
    if (key.charCodeAt(key.length - 1) === 46) key = key.slice(0, -1);
    let first = FIRST.has(key);
    let last = LAST.has(key);
    if (!first && !last && (key.includes("-") || key.includes("'") || key.includes("’"))) {
      const parts = key.split(/[-'’]/);
      first = FIRST.has(parts[0]);
      last = parts.some((p) => LAST.has(p));
    }
    out.push({
      text,
      key,
      start: offset + t.index,
      end: offset + t.index + text.length,
      title: TITLE_SET.has(key),
      suffix: out.length > 0 && SUFFIX_SET.has(key),
      initial: text.length === 2 && text.charCodeAt(1) === 46,
      particle: PARTICLES.has(text),
      stop: STOP_WORDS.has(key),
      first,
      last,
    });
  }
  return out;
}

const LOCATION_SCORE = { country: 0.8, state: 0.75, city: 0.7 } as const;

interface Place {
  from: number;
  to: number;
  candidate: Candidate;
}

/** Gazetteer places among the tokens, longest first; token indexes [from, to). */
function findPlaces(tokens: Token[], text: string): Place[] {
  const places: Place[] = [];
  for (let i = 0; i < tokens.length; i++) {
    const maxLen = PLACE_HEADS.has(tokens[i].key) ? Math.min(MAX_PLACE_WORDS, tokens.length - i) : 1;
    for (let len = maxLen; len >= 1; len--) {
      const slice = tokens.slice(i, i + len);
      // Titles and name suffixes never start or join a place.
      if (slice[0].particle || slice[len - 1].particle || slice.some((t) => t.title || t.suffix)) continue;
      const kind = placeKind(len === 1 ? slice[0].key : placeKey(text.slice(slice[0].start, slice[len - 1].end)));
      if (!kind) continue;
      let end = slice[len - 1].end;
      let score: number = LOCATION_SCORE[kind];
      // "Springfield, IL" names the state: a strong sign of a place.
      const st = /^,[ \t]*([A-Z]{2})(?![\w])/.exec(text.slice(end, end + 6));
      if (kind === "city" && st && STATE_ABBR.has(st[1])) {
        end += st[0].length;
        score = 0.85;
      }
      places.push({
        from: i,
        to: i + len,
        candidate: {
          type: "LOCATION",
          start: slice[0].start,
          end,
          score,
          recognizer: "gazetteer_location",
          context: LOCATION_CTX,
        },
      });
      i += len - 1;
      break;
    }
  }
  return places;
}

/** Words that open English place names ("Port Eula", "West Brook", "Santa Monica"). */
const PLACE_PREFIX = new Set([
  "north",
  "south",
  "east",
  "west",
  "new",
  "lake",
  "port",
  "fort",
  "mount",
  "mt",
  "saint",
  "st",
  "san",
  "santa",
  "los",
  "las",
  "el",
  "great",
  "little",
  "upper",
  "lower",
  "old",
  "glen",
  "point",
  "palm",
  "cape",
]);
/** Endings of English place names (Jacksonville, Pittsburgh, Portsmouth, Hillarystead). */
const PLACE_SUFFIX =
  /(?:ville|burg|burgh|boro|borough|bury|berg|town|stad|stead|view|land|mouth|port|chester|cester|field|ford|haven|side|worth|shire|furt|hampton|dale|polis|fort|ton|ham|wick|caster|by)$/;

/** Places by word shape where the gazetteer knows none: prefix + name, or a place-like ending. */
function morphologyPlaces(tokens: Token[], taken: (i: number) => boolean): Place[] {
  const out: Place[] = [];
  for (let i = 0; i < tokens.length; i++) {
    if (taken(i)) continue;
    const t = tokens[i];
    if (t.title || t.suffix || t.particle || t.initial) continue;
    if (
      PLACE_PREFIX.has(t.key) &&
      i + 1 < tokens.length &&
      !taken(i + 1) &&
      !tokens[i + 1].stop &&
      !tokens[i + 1].title
    ) {
      let j = i + 2;
      if (j < tokens.length && !taken(j) && PLACE_SUFFIX.test(tokens[j].key) && !tokens[j].stop) j++;
      out.push({
        from: i,
        to: j,
        candidate: {
          type: "LOCATION",
          start: t.start,
          end: tokens[j - 1].end,
          score: 0.55,
          recognizer: "place_morphology",
          context: LOCATION_CTX,
        },
      });
      i = j - 1;
      continue;
    }
    if (t.stop || t.key.length < 6 || !PLACE_SUFFIX.test(t.key)) continue;
    // Hyphenated: "Wintheiser-Watersmouth" is judged by its last part.
    const lastPart = t.key.includes("-") ? t.key.slice(t.key.lastIndexOf("-") + 1) : t.key;
    const named = lastPart !== t.key ? FIRST.has(lastPart) || LAST.has(lastPart) : t.first || t.last;
    if (!named && lastPart.length >= 6) {
      out.push({
        from: i,
        to: i + 1,
        candidate: {
          type: "LOCATION",
          start: t.start,
          end: t.end,
          score: 0.5,
          recognizer: "place_morphology",
          context: LOCATION_CTX,
        },
      });
    }
  }
  return out;
}

const DATE_MONTH = String.raw`(?:${[...MONTHS, ...MONTH_ABBR].join("|")})\.? \d`;

/** Place names with lower-case connectors after a run: " and Herzegovina", " of Man". */
const CONNECTED = new RegExp(
  String.raw`[ \t]+(?:and|of|of the|and the|du|de|da|d')[ \t]*${CAP}(?:[ \t]+(?:(?:and|of|the)[ \t]+)?${CAP}){0,3}`,
  "y",
);

export const nameRun: Alternative = {
  name: "name_run",
  // A run stops before a month that starts a date ("Due March 3, 2021"), left to the date pattern.
  source: String.raw`(?<![\w'’\u00C0-\u017F-])(?:${TITLE}[ \t]+)?${CAP}(?:[ \t]+(?!${DATE_MONTH})(?:${PARTICLE}[ \t]+)*${CAP}){0,5}(?:,?[ \t]+${NAME_SUFFIX}(?![\w]))?`,
  handle(m, start, text, out) {
    const end = start + m.length;
    // Fast path: a lone capitalised common word ("The", "Please") that no place name continues.
    if (
      !/\s/.test(m) &&
      STOP_WORDS.has(m.toLowerCase()) &&
      !PLACE_HEADS.has(m.toLowerCase()) &&
      text.charCodeAt(end) !== 32
    )
      return end;
    const tokens = tokenize(m, start);
    CONNECTED.lastIndex = end;
    const ext = CONNECTED.exec(text);
    if (ext) {
      // Longest extension first: "Saint Vincent and the Grenadines".
      const ends: number[] = [];
      const word = /\S+/g;
      let w: RegExpExecArray | null;
      while ((w = word.exec(ext[0])) !== null) if (/^[A-ZÀ-Þ]/.test(w[0])) ends.push(end + w.index + w[0].length);
      for (const extEnd of ends.reverse()) {
        for (let i = 0; i < tokens.length; i++) {
          if (placeKind(placeKey(text.slice(tokens[i].start, extEnd)))) {
            analyseTokens(tokens.slice(0, i), text, out);
            out.push({
              type: "LOCATION",
              start: tokens[i].start,
              end: extEnd,
              score: 0.8,
              recognizer: "gazetteer_location",
              context: LOCATION_CTX,
            });
            return extEnd;
          }
        }
      }
    }
    analyseTokens(tokens, text, out);
    return end;
  },
};

/**
 * Places are looked up over all tokens (a place may contain a stop word: "New York",
 * "United States"); persons over runs split at stop words, a title opening a run of its own.
 */
function analyseTokens(tokens: Token[], text: string, out: Candidate[]): void {
  const places = findPlaces(tokens, text);
  const placeAt = new Map<number, Place>();
  for (const p of places) for (let k = p.from; k < p.to; k++) placeAt.set(k, p);
  const morph = morphologyPlaces(tokens, (i) => placeAt.has(i));
  for (const p of morph) for (let k = p.from; k < p.to; k++) placeAt.set(k, p);
  let run: number[] = [];
  let titled = false;
  const flush = () => {
    if (run.length)
      analyseRun(
        run.map((i) => tokens[i]),
        run,
        placeAt,
        titled,
      );
    run = [];
    titled = false;
  };
  tokens.forEach((t, i) => {
    if (t.title && !t.first) {
      flush();
      titled = true;
      return;
    }
    if (t.stop && !t.first && !t.last) {
      flush();
      return;
    }
    run.push(i);
  });
  flush();
  for (const p of [...places, ...morph]) out.push(p.candidate);
}

/** Lowers the score of places that are only part of a longer name run ("Bowie de Corte"). */
function analyseRun(run: Token[], idx: number[], placeAt: Map<number, Place>, titled: boolean): void {
  // A run ending in a particle or an initial, or starting with a suffix, is trimmed.
  let from = 0;
  let to = run.length;
  while (to > from && (run[to - 1].particle || run[to - 1].initial)) to--;
  while (from < to && (run[from].particle || run[from].suffix)) from++;
  if (from >= to) return;
  // A capitalised word the gazetteer does not know, before a known first name, is usually
  // a sentence start ("Ask John Smith"), not part of the name.
  if (
    to - from >= 2 &&
    !titled &&
    !run[from].first &&
    !run[from].last &&
    run[from + 1].first &&
    !placeAt.has(idx[from])
  )
    from++;
  const ids = idx.slice(from, to);
  const inPlace = ids.filter((i) => placeAt.has(i));
  // A place that is only part of a longer name ("Bowie de Corte") is probably not a place.
  if (inPlace.length && inPlace.length < ids.length && !titled) {
    const extra = ids.filter((i) => !placeAt.has(i)).map((i) => run[idx.indexOf(i)]);
    if (extra.some((t) => !t.particle && !t.suffix)) for (const i of inPlace) placeAt.get(i)!.candidate.score -= 0.25;
  }
  // Persons come from the sequence tagger (tagger/): this analysis only keeps a name from
  // being read as a place. Measured on the independent dev split, list-based PERSON findings
  // added recall but cost more precision than they gained (BENCHMARKS.md).
}
