/**
 * The one tokenizer of search, used on record text and on queries alike, so both sides
 * agree: Unicode word segmentation (UAX #29 through `Intl.Segmenter`, with ICU's
 * dictionaries for scripts written without spaces), then NFKD, combining marks removed
 * and lower case. `Café`, `CAFE` and `ｃａｆｅ` are one token; `e-mail` is two.
 */

/** A token with its span in the original text (UTF-16 code units, end exclusive). */
export interface Token {
  token: string;
  start: number;
  end: number;
}

const segmenter = new Intl.Segmenter("und", { granularity: "word" });
const MARKS = /\p{M}/gu;

const ASCII = /^\p{ASCII}*$/u;

/** Folds one word: compatibility decomposition, no diacritics, lower case. */
export function fold(word: string): string {
  // ASCII has nothing to decompose (the common case, and the hot path of indexing).
  if (ASCII.test(word)) return word.toLowerCase();
  return word.normalize("NFKD").replace(MARKS, "").toLowerCase().normalize("NFC");
}

/**
 * The word tokens of `text`, in order, at most `max` of them.
 * @example tokenize("Crème brûlée!") // [{token:"creme",start:0,end:5},{token:"brulee",start:6,end:12}]
 */
export function tokenize(text: string, max = Number.POSITIVE_INFINITY): Token[] {
  const out: Token[] = [];
  for (const s of segmenter.segment(text)) {
    if (!s.isWordLike) continue;
    const token = fold(s.segment);
    if (!token) continue;
    out.push({ token, start: s.index, end: s.index + s.segment.length });
    if (out.length >= max) break;
  }
  return out;
}
