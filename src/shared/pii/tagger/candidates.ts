/** The tagger's spans as detection candidates (PERSON, LOCATION, STREET_ADDRESS). */
import { FIRST, foldKey } from "../gazetteer";
import { AMBIGUOUS_NAMES, STOP_WORDS, STREET_SUFFIXES } from "../lexicon";
import { isBuiltinEntity } from "../entities";
import type { Candidate } from "../types";
import { tagText } from "./tagger";

/**
 * Texts the tagger cannot find anything in: no letters, one lower-case word, or one token
 * with a digit (ids such as UUIDs, "usr_2102080", "A-4530-794": no name or place has digits).
 */
const NOTHING_TO_TAG = /^(?:[^\p{L}]*|[a-z]+|\s*[^\s]*\d[^\s]*\s*)$/u;

/** Pattern findings a tagger span must not overlap: the checked pattern knows better. */
const STRUCTURED = new Set([
  "EMAIL",
  "URL",
  "IBAN",
  "CREDIT_CARD",
  "US_SSN",
  "IP_ADDRESS",
  "PHONE",
  "CRYPTO",
  "SECRETS",
  "MAC_ADDRESS",
  "DATE_TIME",
  "US_BANK_ROUTING",
]);

/** Labels of identifiers: before a number they are field names, never a person or a place. */
const LABELS = new Set(
  (
    "key keys routing aba iban bic swift badge token ip ipv4 ipv6 url sku ref reference ticket invoice " +
    "passport license licence id ids pin otp cvv exp expiry valid thru tel fax mobile dob zip postcode " +
    "vat tax tin ein nhs nino policy member tracking serial imei mac host server port user username login " +
    "password pwd pii"
  ).split(" "),
);

/** A one-word span that is a common word or a label, and no known given name: "SSN", "routing", "key". */
function notAName(word: string): boolean {
  const k = foldKey(word);
  return (STOP_WORDS.has(k) || LABELS.has(k)) && !FIRST.has(k) && !AMBIGUOUS_NAMES.has(k);
}

/** Street words of many languages, besides the USPS suffixes: an address names a street or a box. */
const USPS_SUFFIXES = new Set(STREET_SUFFIXES.map((w) => w.toLowerCase()));
const STREET_WORDS = new Set([
  ...(
    "via viale vicolo piazza corso largo rue avenue boulevard chemin allée impasse quai calle avenida " +
    "paseo plaza carrer rua travessa alameda praça estrada strasse straße str platz gasse weg allee ring " +
    "damm ufer laan straat plein gracht kade dijk singel vej gade gatan vägen väg gata katu tie kuja " +
    "polku ul al aleja plac sokak caddesi cad bulvarı mahallesi road cross main nagar marg flat box " +
    "postfach apartado casella postale no nr plot house"
  ).split(" "),
]);
const STREET_ENDING =
  /(?:strasse|straße|str\.|gasse|weg|platz|gade|gatan|vägen|katu|tie|gracht|straat|laan|vej|veien|sokak|caddesi)$/;
/** An address has a postcode-length number or a street word, and is not a list. */
function looksLikeAddress(span: string): boolean {
  // A list ("3 Green Apples and 2 pears") is not an address line.
  if (/ (?:and|und|et|y|e|en|or) /i.test(span)) return false;
  if (/\d{3,}/.test(span)) return true;
  for (const w of span.toLowerCase().split(/[^\p{L}]+/u)) {
    if (w && (STREET_WORDS.has(w) || STREET_ENDING.test(w))) return true;
  }
  // USPS suffixes are also plain words ("Green", "Park"): they count where a street name ends.
  const m = /(\p{L}+)\.?(?:,|$)/u.exec(span);
  return m !== null && USPS_SUFFIXES.has(m[1].toLowerCase());
}

const HAS_DIGIT = /\d/;
const HAS_WORD = /\p{L}{2}/u;

/**
 * Pushes the tagger's spans of `text` onto `out`, which already holds the pattern
 * candidates. Under a JSON key the tagger reads "key: value", as in a form, so the
 * field name is context; offsets stay those of `text`.
 */
export function tagCandidates(text: string, out: Candidate[], key?: string): void {
  dropLabelPlaces(text, out);
  if (NOTHING_TO_TAG.test(text)) return;
  const prefix = key !== undefined && key.length <= 64 ? `${key}: ` : "";
  // Tenant recognizers and deny lists say what a span is: the tagger does not second-guess them.
  const structured = out.filter(
    (c) => (STRUCTURED.has(c.type) && c.score >= 0.3) || c.type === "DENY_LIST" || !isBuiltinEntity(c.type),
  );
  // A value that is one e-mail, URL, phone or date ("jane@x.org" under "email") has nothing left to tag.
  const lead = text.length - text.trimStart().length;
  const tail = text.trimEnd().length;
  if (structured.some((c) => c.start <= lead && c.end >= tail)) return;
  const spans = tagText(prefix + text);
  if (!spans.length) return;
  // Characters covered by a pattern finding (1) or by the street-address pattern (2): one pass
  // over the text instead of comparing every span with every candidate.
  const covered = new Uint8Array(text.length);
  for (const c of structured) covered.fill(1, c.start, c.end);
  const places: Candidate[] = [];
  for (const c of out) {
    if (c.recognizer === "street_address") covered.fill(2, c.start, c.end);
    if (c.type === "STREET_ADDRESS" || c.type === "LOCATION" || c.type === "ZIP_CODE") places.push(c);
  }
  const dropped = new Set<Candidate>();
  for (const s of spans) {
    const start = Math.max(0, s.start - prefix.length);
    const end = s.end - prefix.length;
    if (end <= start) continue;
    let cover = 0;
    for (let i = start; i < end; i++) cover |= covered[i];
    if (cover & 1) continue;
    const span = text.slice(start, end);
    if (s.type !== "STREET_ADDRESS") {
      // One letter ("b" of an HTML tag), a label ("SSN") or common words only ("nothing here")
      // are no name or place.
      if (span.length < 2 || span.split(/\s+/).every(notAName)) continue;
      // The street-address pattern (number, words, a street suffix) is surer than a name or place reading.
      if (cover & 2) continue;
    } else if (!HAS_DIGIT.test(span) || !HAS_WORD.test(span) || !looksLikeAddress(span)) {
      // An address has a number and a word; "139723719" or "Routing No" alone is not one.
      continue;
    }
    const cand: Candidate = { type: s.type, start, end, score: s.score, recognizer: "tagger" };
    if (s.type === "STREET_ADDRESS") mergeAddresses(cand, places, dropped);
    out.push(cand);
  }
  if (dropped.size) {
    let w = 0;
    for (const c of out) if (!dropped.has(c)) out[w++] = c;
    out.length = w;
  }
}

/**
 * The tagger and the street-address pattern often each see part of an address ("Via Roma
 * 71" / "00184 Roma"): overlapping address candidates become one span, the best score;
 * places and postcodes inside it are dropped, as the address covers them.
 */
function mergeAddresses(cand: Candidate, places: readonly Candidate[], dropped: Set<Candidate>): void {
  for (const c of places) {
    if (dropped.has(c) || c.end <= cand.start || cand.end <= c.start) continue;
    // A city or postcode inside the address is part of it, not a finding of its own.
    if (c.type !== "STREET_ADDRESS") {
      if (c.start >= cand.start && c.end <= cand.end) dropped.add(c);
      continue;
    }
    if (c.recognizer === "field_name") continue;
    cand.start = Math.min(cand.start, c.start);
    cand.end = Math.max(cand.end, c.end);
    cand.score = Math.max(cand.score, c.score);
    dropped.add(c);
  }
}

/** Gazetteer places that are a label here ("Mobile +44 …", "Phone"): dropped like the tagger's. */
function dropLabelPlaces(text: string, out: Candidate[]): void {
  for (let i = out.length - 1; i >= 0; i--) {
    const c = out[i];
    if (c.recognizer === "gazetteer_location" && notAName(text.slice(c.start, c.end))) out.splice(i, 1);
  }
}
