/**
 * Tokens and hashed features of the PERSON/LOCATION sequence tagger, shared by the
 * runtime decoder (tagger.ts) and the offline trainer (training/pii-tagger), so both see
 * exactly the same features. A feature is a 32-bit hash of (template, value) folded into
 * 2^HASH_BITS buckets; each bucket holds one weight per tag.
 */
import { CITY, COUNTRY, FIRST, foldKey, LAST, STATE } from "../gazetteer";

/** BIO tags over tokens. Index order is part of the weights' format. */
export const TAGS = [
  "O",
  "B-PERSON",
  "I-PERSON",
  "B-LOCATION",
  "I-LOCATION",
  "B-STREET_ADDRESS",
  "I-STREET_ADDRESS",
] as const;
/** The entity of each tag (index), "" for O. */
export const TAG_ENTITY = ["", "PERSON", "PERSON", "LOCATION", "LOCATION", "STREET_ADDRESS", "STREET_ADDRESS"] as const;

/**
 * Whether `tag` may follow `prev` on a token of `kind`: an I- tag only after the B- or I-
 * tag of its entity; names and places start on a word; e-mails and URLs are always O;
 * punctuation and numbers only continue a span (numbers may start an address).
 */
export function allowed(prev: number, tag: number, kind: number): boolean {
  if (tag === 0) return true;
  if (kind === LINK) return false;
  if (tag % 2 === 1) return kind === WORD || (kind === NUMBER && tag === 5);
  return prev === tag || prev === tag - 1;
}
export const N_TAGS = TAGS.length;
export const HASH_BITS = 18;
export const HASH_MASK = (1 << HASH_BITS) - 1;

/** Token kinds: words (letters), numbers, single punctuation characters, e-mails and URLs. */
export const WORD = 0;
export const NUMBER = 1;
export const PUNCT = 2;
export const LINK = 3;

/**
 * An e-mail address or URL is one token (names inside it belong to it). A word is a run of
 * letters (any script) with inner apostrophes or hyphens; a single capital followed by a
 * dot is an initial ("J."). Numbers are digit runs; anything else that is not a space is
 * one punctuation token; a run mixing letters and digits ("4th", "SW1A", "2C") counts as a number.
 */
const TOKEN_RE =
  /(?:https?:\/\/|www\.)[^\s"'<>]+|[\w.+-]+@[\w-]+(?:\.[\w-]+)+|[A-Z]\.(?![\p{L}\d])|[\p{L}\p{M}]+(?:['’-][\p{L}\p{M}]+)*(?![\p{L}\p{M}\d])|\d+(?![\p{L}])|[\p{L}\p{M}\d]+|[^\s\p{L}\p{M}\d]/gu;

/** TOKEN_RE anchored where a token starts (see tokenize). */
const TOKEN_AT = new RegExp(TOKEN_RE.source, "uy");
const LETTER_OR_MARK = /^[\p{L}\p{M}]/u;
const DIGIT = /[0-9]/;

/**
 * The kind of a token TOKEN_RE matched, from its text alone (the regex has no groups: filling
 * them cost more than this). An e-mail has an "@" and more; a URL starts with its scheme or
 * "www."; no word has a digit while every number does (a letter run followed by a digit is read
 * as one number); a word starts with a letter or mark, punctuation never does.
 */
function kindOf(s: string): number {
  if ((s.length > 1 && s.includes("@")) || s.startsWith("http://") || s.startsWith("https://") || s.startsWith("www."))
    return LINK;
  if (DIGIT.test(s)) return NUMBER;
  return LETTER_OR_MARK.test(s) ? WORD : PUNCT;
}

export interface Tokens {
  text: string;
  /** Start offsets (UTF-16) of the tokens; the other arrays are parallel to it. */
  starts: number[];
  ends: number[];
  kinds: number[];
  /** Lower-cased token text. */
  lower: string[];
  /** Hash of the lower-cased text, of the shape, of 2-4 letter prefixes and suffixes. */
  wordHash: number[];
  shapeHash: number[];
  affix: number[][];
  /** Gazetteer membership bits: 1 first name, 2 surname, 4 place. */
  gaz: number[];
  /** Starts a line or follows sentence-ending punctuation. */
  lineStart: boolean[];
  /** 0 mixed case text, 1 no upper-case letters, 2 no lower-case letters. */
  docCase: number;
  info: WordInfo[];
}

/** A Tokens to pass as `reuse`. */
export const newTokens = (): Tokens => emptyTokens("");

/** FNV-1a over the UTF-16 code units of s[from, to), seeded. */
export function fnv(s: string, seed = 0x811c9dc5, from = 0, to = s.length): number {
  let h = seed >>> 0;
  for (let i = from; i < to; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** Mixes a template id into a value hash; the result is a bucket. */
export function bucket(template: number, value: number): number {
  let h = Math.imul(value ^ Math.imul(template + 1, 0x9e3779b1), 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h & HASH_MASK;
}

/** One class letter per character, runs longer than two collapsed: "McDonald" → "XxXx", "O'Neil" → "X'Xx". */
export function wordShape(w: string): string {
  let out = "";
  let last = "";
  let run = 0;
  for (let i = 0; i < w.length; i++) {
    const c = w.charCodeAt(i);
    let k: string;
    if (c >= 65 && c <= 90) k = "X";
    else if (c >= 97 && c <= 122) k = "x";
    else if (c >= 48 && c <= 57) k = "d";
    else if (c < 128) k = w[i];
    else if (c >= 0x4e00 && c <= 0x9fff) k = "H";
    else if (c >= 0x3040 && c <= 0x30ff) k = "K";
    else if (c >= 0xac00 && c <= 0xd7af) k = "G";
    else if (c >= 0x0600 && c <= 0x06ff) k = "A";
    else if (c >= 0x0900 && c <= 0x097f) k = "D";
    else if (c >= 0x0400 && c <= 0x04ff) k = c <= 0x042f ? "C" : "c";
    else {
      const ch = w[i];
      const up = ch.toUpperCase();
      const lo = ch.toLowerCase();
      k = up === lo ? "L" : ch === up ? "X" : "x";
    }
    if (k === last) {
      if (++run > 2) continue;
    } else run = 1;
    last = k;
    out += k;
  }
  return out;
}

const SENTENCE_END = new Set([".", "!", "?", ":", ";", '"', "{", "[", "(", "|", ","]);

/** What a token's own text gives, computed once per distinct token string (see WORDS). */
export interface WordInfo {
  kind: number;
  lower: string;
  wordHash: number;
  shapeHash: number;
  affix: number[];
  gaz: number;
  hasUpper: boolean;
  hasLower: boolean;
  /** Punctuation that ends a sentence (SENTENCE_END): the next token starts a line. */
  endsSentence: boolean;
  /** The token's text (the cache below compares it). */
  text: string;
  /** Summed weights of the token's static features per document case (runtime cache, see decode.ts). */
  statics?: (Float32Array | undefined)[];
}

/**
 * Per-isolate cache of WordInfo by the FNV hash of the token's text, checked against the text
 * (a colliding token replaces the entry); cleared when it grows past WORDS_LIMIT. Keyed by
 * hash so a token seen before is found without cutting its text out of the document.
 */
const WORDS = new Map<number, WordInfo>();
const WORDS_LIMIT = 50_000;

/** The WordInfo of text[start, end). */
function wordAt(text: string, start: number, end: number): WordInfo {
  const h = fnv(text, 0x811c9dc5, start, end);
  const hit = WORDS.get(h);
  if (hit && hit.text.length === end - start && text.startsWith(hit.text, start)) return hit;
  const info = wordInfo(text.slice(start, end));
  if (WORDS.size >= WORDS_LIMIT) WORDS.clear();
  WORDS.set(h, info);
  return info;
}

function wordInfo(s: string): WordInfo {
  const kind = kindOf(s);
  const lower = kind === LINK ? (s.includes("@") ? "<email>" : "<url>") : s.toLowerCase();
  const shape =
    kind === WORD ? wordShape(s) : kind === NUMBER ? (s.length > 4 ? "d+" : wordShape(s)) : kind === LINK ? lower : s;
  let affix = NO_AFFIX;
  let gaz = 0;
  const n = lower.length;
  if (kind === WORD) {
    if (n > 2) {
      affix = [
        fnv(lower, 1, 0, 2),
        n > 3 ? fnv(lower, 2, 0, 3) : 0,
        n > 4 ? fnv(lower, 3, 0, 4) : 0,
        fnv(lower, 4, n - 2, n),
        n > 3 ? fnv(lower, 5, n - 3, n) : 0,
        n > 4 ? fnv(lower, 6, n - 4, n) : 0,
      ];
    }
    gaz = gazetteerBits(s, lower);
  }
  return {
    kind,
    lower,
    wordHash: fnv(kind === NUMBER ? (/^\d+$/.test(s) ? (s.length > 4 ? "<num>" : `<num${s.length}>`) : lower) : lower),
    shapeHash: fnv(shape),
    affix,
    gaz,
    hasUpper: kind === WORD && lower !== s,
    hasLower: kind === WORD && s.toUpperCase() !== s,
    endsSentence: kind === PUNCT && SENTENCE_END.has(s),
    text: s,
  };
}

/** Whether code unit c is white space as a regex's \s reads it (ECMAScript WhiteSpace and LineTerminator). */
function isSpace(c: number): boolean {
  if (c < 128) return c === 32 || (c >= 9 && c <= 13);
  return (
    c === 0xa0 ||
    c === 0x1680 ||
    (c >= 0x2000 && c <= 0x200a) ||
    c === 0x2028 ||
    c === 0x2029 ||
    c === 0x202f ||
    c === 0x205f ||
    c === 0x3000 ||
    c === 0xfeff
  );
}

const emptyTokens = (text: string): Tokens => ({
  text,
  starts: [],
  ends: [],
  kinds: [],
  lower: [],
  wordHash: [],
  shapeHash: [],
  affix: [],
  gaz: [],
  lineStart: [],
  docCase: 0,
  info: [],
});

/**
 * Tokenises a text and precomputes each token's hashes. With `reuse`, its arrays are
 * emptied and refilled (the runtime tags one text at a time; fewer allocations).
 */
export function tokenize(text: string, reuse?: Tokens): Tokens {
  let t: Tokens;
  if (reuse) {
    t = reuse;
    t.text = text;
    t.starts.length = t.ends.length = t.kinds.length = t.lower.length = t.wordHash.length = 0;
    t.shapeHash.length = t.affix.length = t.gaz.length = t.lineStart.length = t.info.length = 0;
  } else t = emptyTokens(text);
  let hasUpper = false;
  let hasLower = false;
  let prevEndsSentence = false;
  // Every character but white space starts a token (a letter or digit starts a word or number, anything
  // else is punctuation), so a token starts at the first non-space character: the anchored regex tried
  // there finds what the global one would, without building a match array.
  const len = text.length;
  let p = 0;
  let newline = false;
  for (;;) {
    let c: number;
    while (p < len && isSpace((c = text.charCodeAt(p)))) {
      if (c === 10) newline = true;
      p++;
    }
    if (p >= len) break;
    TOKEN_AT.lastIndex = p;
    if (!TOKEN_AT.test(text)) {
      p += (text.codePointAt(p) ?? 0) > 0xffff ? 2 : 1;
      continue;
    }
    const end = TOKEN_AT.lastIndex;
    const info = wordAt(text, p, end);
    t.starts.push(p);
    t.ends.push(end);
    t.kinds.push(info.kind);
    t.lower.push(info.lower);
    t.wordHash.push(info.wordHash);
    t.shapeHash.push(info.shapeHash);
    t.affix.push(info.affix);
    t.gaz.push(info.gaz);
    t.info.push(info);
    if (info.hasUpper) hasUpper = true;
    if (info.hasLower) hasLower = true;
    t.lineStart.push(newline || prevEndsSentence);
    prevEndsSentence = info.endsSentence;
    newline = false;
    p = end;
  }
  t.docCase = hasUpper && hasLower ? 0 : hasUpper ? 2 : hasLower ? 1 : 0;
  return t;
}

const NO_AFFIX = [0, 0, 0, 0, 0, 0];

// eslint-disable-next-line no-control-regex
const ASCII = /^[\x00-\x7f]*$/;

/** Gazetteer bits of a word: 1 known first name, 2 surname, 4 city, country or state. */
function gazetteerBits(word: string, lower: string): number {
  const key = ASCII.test(lower) ? lower : foldKey(word);
  const place = CITY.has(key) || COUNTRY.has(key) || STATE.has(key);
  return (FIRST.has(key) ? 1 : 0) | (LAST.has(key) ? 2 : 0) | (place ? 4 : 0);
}
const PAD_BEFORE = fnv("<s>");
const PAD_AFTER = fnv("</s>");

/** Most features a token can have (static + dynamic). */
export const MAX_FEATURES = 40;

/**
 * Features of token i that depend only on its own text and the document's case (bias, word,
 * shape, affixes, gazetteer bits, length): the same for every occurrence of a word, so the
 * runtime sums their weights once per word (decode.ts). Writes from out[k]; returns the new count.
 */
export function staticFeatures(t: Tokens, i: number, out: Int32Array, k: number): number {
  const s0 = t.shapeHash[i];
  const a = t.affix[i];
  const len = Math.min(t.lower[i].length, 12);
  out[k++] = bucket(0, 0);
  out[k++] = bucket(1, t.wordHash[i]);
  out[k++] = bucket(2, s0);
  for (let j = 0; j < 6; j++) if (a[j]) out[k++] = bucket(3 + j, a[j]);
  out[k++] = bucket(20, t.gaz[i] | (t.docCase << 4));
  out[k++] = bucket(24, s0 ^ Math.imul(len + 1, 0x27d4eb2d));
  if (a[5]) out[k++] = bucket(30, a[5] ^ Math.imul(s0, 0x165667b1));
  return k;
}

/**
 * Features of token i that depend on its neighbours and on the tags decided before it.
 * Writes from out[k]; returns the new count.
 */
export function contextFeatures(t: Tokens, i: number, prev: number, prev2: number, out: Int32Array, k: number): number {
  const n = t.starts.length;
  const w = t.wordHash;
  const sh = t.shapeHash;
  const wm1 = i > 0 ? w[i - 1] : PAD_BEFORE;
  const wm2 = i > 1 ? w[i - 2] : PAD_BEFORE;
  const wp1 = i + 1 < n ? w[i + 1] : PAD_AFTER;
  const wp2 = i + 2 < n ? w[i + 2] : PAD_AFTER;
  const sm1 = i > 0 ? sh[i - 1] : PAD_BEFORE;
  const sp1 = i + 1 < n ? sh[i + 1] : PAD_AFTER;
  const s0 = sh[i];
  const line = t.lineStart[i] ? 1 : 0;
  const gm1 = i > 0 ? t.gaz[i - 1] : 8;
  const gp1 = i + 1 < n ? t.gaz[i + 1] : 8;
  out[k++] = bucket(9, wm1);
  out[k++] = bucket(10, wp1);
  out[k++] = bucket(11, wm2);
  out[k++] = bucket(12, wp2);
  out[k++] = bucket(13, sm1);
  out[k++] = bucket(14, sp1);
  out[k++] = bucket(15, prev);
  out[k++] = bucket(16, s0 ^ Math.imul(prev + 1, 0x27d4eb2d));
  out[k++] = bucket(17, prev * 7 + prev2);
  out[k++] = bucket(18, wm1 ^ Math.imul(s0, 0x165667b1));
  out[k++] = bucket(19, wm2 ^ Math.imul(wm1, 0x165667b1));
  out[k++] = bucket(21, gm1 * 16 + gp1);
  out[k++] = bucket(22, s0 ^ Math.imul(line + 1, 0x9e3779b1));
  out[k++] = bucket(23, s0 ^ Math.imul(sp1, 0x165667b1));
  out[k++] = bucket(25, wp1 ^ Math.imul(s0, 0x165667b1));
  out[k++] = bucket(26, sm1 ^ Math.imul(s0, 0x27d4eb2d) ^ Math.imul(sp1, 0x165667b1));
  out[k++] = bucket(27, t.docCase * 64 + t.gaz[i] * 4 + prev);
  out[k++] = bucket(28, wp1 ^ Math.imul(wp2, 0x165667b1));
  out[k++] = bucket(29, w[i] ^ Math.imul(wm1, 0x27d4eb2d));
  out[k++] = bucket(31, line * 16 + t.gaz[i] + t.docCase * 32);
  return k;
}

/**
 * Writes the bucket of every feature of token i into out[0..] and returns the count.
 * prev and prev2 are the tags decided for the two tokens before (0 = O or none).
 */
export function features(t: Tokens, i: number, prev: number, prev2: number, out: Int32Array): number {
  return contextFeatures(t, i, prev, prev2, out, staticFeatures(t, i, out, 0));
}
