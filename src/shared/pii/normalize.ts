/**
 * The detection form of a text: what the recognizers and the tagger read, so that lookalike
 * characters cannot carry PII past them. Each piece of the text is mapped by
 *  - Unicode NFKC (UAX #15): fullwidth digits and letters become ASCII, decomposed letters
 *    (`e` + U+0301) are composed (`é`), NBSP and narrow NBSP become a space;
 *  - dash and hyphen variants (general category Pd, U+2212 minus) → `-`;
 *  - other space separators (Zs) → a space;
 *  - format characters (Cf: zero-width space and joiners, soft hyphen, bidi marks, BOM) removed.
 * Each output code unit keeps the original span it came from, so findings are reported, and
 * anonymized, on the ORIGINAL text (UTF-16 code units), invisible characters inside them included.
 * All-ASCII text (most records) and text already in detection form are returned as they are.
 */

/** A text in detection form, with the original span of each of its code units. */
export interface DetectionForm {
  /** The text the detectors read. */
  text: string;
  /** origStart[i]: the original offset where the piece holding code unit i starts. */
  origStart: Uint32Array;
  /** origEnd[i]: the original offset where the piece holding code unit i ends. */
  origEnd: Uint32Array;
}

const ASCII = /^[\0-\x7f]*$/;
/**
 * Pieces that may change: a code point followed by combining marks (or Hangul vowel and final
 * jamo, which compose with the syllable before them), or any single non-ASCII code point. Text
 * between two pieces is ASCII that no mark follows, copied as it is.
 */
const PIECE = /[\s\S][\p{M}\u1160-\u11ff]+|[^\0-\x7f]/gu;
const DASH = /[\p{Pd}\u2212]/gu;
const SPACE = /\p{Zs}/gu;
const FORMAT = /\p{Cf}/gu;

/** A non-ASCII character the detection form maps other than NFKC does (a dash, a space, a format character). */
const MAPPED = /(?![ -])[\p{Pd}\u2212\p{Zs}\p{Cf}]/u;

function detectionPiece(piece: string): string {
  const nfkc = piece.normalize("NFKC");
  return MAPPED.test(nfkc) ? nfkc.replace(FORMAT, "").replace(DASH, "-").replace(SPACE, " ") : nfkc;
}

/**
 * The detection form of `text`, or null when it is `text` itself (all ASCII, or nothing to map).
 * Cost: one regex test for ASCII text; one regex test and one NFKC of the whole text when nothing is mapped;
 * otherwise one pass, with NFKC run per non-ASCII piece.
 * @example toDetectionForm("SSN ０７８-０５-１１２０")!.text // "SSN 078-05-1120"
 */
export function toDetectionForm(text: string): DetectionForm | null {
  if (ASCII.test(text)) return null;
  // Most non-ASCII text (accented words in NFC) is already in detection form: two native checks settle it.
  if (!MAPPED.test(text) && text.normalize("NFKC") === text) return null;
  const parts: string[] = [];
  // Changed pieces only: [output offset, output length, original start, original end].
  const spans: number[] = [];
  let outLen = 0;
  let last = 0;
  PIECE.lastIndex = 0;
  let m: RegExpExecArray | null;
  while ((m = PIECE.exec(text)) !== null) {
    const piece = m[0];
    const mapped = detectionPiece(piece);
    if (mapped === piece) continue;
    const start = m.index;
    if (start > last) {
      parts.push(text.slice(last, start));
      outLen += start - last;
    }
    parts.push(mapped);
    spans.push(outLen, mapped.length, start, start + piece.length);
    outLen += mapped.length;
    last = start + piece.length;
  }
  if (!spans.length) return null;
  parts.push(text.slice(last));
  outLen += text.length - last;
  const origStart = new Uint32Array(outLen);
  const origEnd = new Uint32Array(outLen);
  // Unchanged stretches map one to one; a changed piece maps each of its code units to the whole piece.
  let o = 0;
  let i = 0;
  for (let s = 0; s < spans.length; s += 4) {
    const [at, len, from, to] = [spans[s], spans[s + 1], spans[s + 2], spans[s + 3]];
    for (; o < at; o++, i++) {
      origStart[o] = i;
      origEnd[o] = i + 1;
    }
    for (; o < at + len; o++) {
      origStart[o] = from;
      origEnd[o] = to;
    }
    i = to;
  }
  for (; o < outLen; o++, i++) {
    origStart[o] = i;
    origEnd[o] = i + 1;
  }
  return { text: parts.join(""), origStart, origEnd };
}

/**
 * The original span of the detection-form span [start, end). An empty span maps to an empty span
 * at its start. Removed characters inside the span are inside the original span.
 */
export function originalSpan(form: DetectionForm, start: number, end: number): [number, number] {
  const n = form.text.length;
  const from = start < n ? form.origStart[start] : n === 0 ? 0 : form.origEnd[n - 1];
  if (end <= start) return [from, from];
  return [from, form.origEnd[end - 1]];
}
