// The tagger's tokenizer finds tokens with an anchored regex after white space and reads each token's
// kind from its text; the reference here is the global regex with one group per kind that it replaced,
// run on generated text.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { LINK, NUMBER, PUNCT, tokenize, WORD } from "../../src/shared/pii/tagger/features";

const GROUPED =
  /((?:https?:\/\/|www\.)[^\s"'<>]+|[\w.+-]+@[\w-]+(?:\.[\w-]+)+)|([A-Z]\.(?![\p{L}\d])|[\p{L}\p{M}]+(?:['’-][\p{L}\p{M}]+)*(?![\p{L}\p{M}\d]))|(\d+(?![\p{L}])|[\p{L}\p{M}\d]+)|([^\s\p{L}\p{M}\d])/gu;

const SENTENCE_END = new Set([".", "!", "?", ":", ";", '"', "{", "[", "(", "|", ","]);

/** Spans, kinds and line starts (a line break before, or sentence-ending punctuation just before). */
function reference(text: string): [start: number, end: number, kind: number, lineStart: boolean][] {
  const out: [number, number, number, boolean][] = [];
  let prevEnd = 0;
  let prevEndsSentence = false;
  for (const m of text.matchAll(GROUPED)) {
    const kind = m[2] !== undefined ? WORD : m[3] !== undefined ? NUMBER : m[1] !== undefined ? LINK : PUNCT;
    const newline = text.slice(prevEnd, m.index).includes("\n");
    out.push([m.index, m.index + m[0].length, kind, newline || prevEndsSentence]);
    prevEnd = m.index + m[0].length;
    prevEndsSentence = kind === PUNCT && SENTENCE_END.has(m[0]);
  }
  return out;
}

const tokensOf = (text: string) => {
  const t = tokenize(text);
  return t.starts.map((s, i): [number, number, number, boolean] => [s, t.ends[i], t.kinds[i], t.lineStart[i]]);
};

// Pieces that sit on the kinds' borders: e-mails, URLs, initials, apostrophes, letters next to digits,
// combining marks, astral characters, a lone "@".
const PIECES = [
  "a",
  "Z",
  "é",
  "ß",
  "İ",
  "\u0301",
  "😀",
  "１",
  "٣",
  "0",
  "7",
  "42",
  "@",
  ".",
  "-",
  "'",
  "’",
  "+",
  "_",
  "/",
  ":",
  " ",
  "\n",
  "\t",
  "J.",
  "www.",
  "www",
  "http://",
  "https://",
  "HTTP://",
  "x.org",
  "jane@example.com",
  "a@b",
  "O'Neil",
  "\u00a0",
  "\u2003",
  "\u3000",
  "\ufeff",
  "\u200b",
  "\r\n",
  "\u2028",
  "4th",
  "SW1A",
  "Ünïcode",
  "naïve",
  "e\u0301",
  "北京",
  "Москва",
  "<",
  ">",
  '"',
];

describe("tagger tokens", () => {
  it("kinds and spans match the grouped reference on generated text", () => {
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...PIECES), { maxLength: 24 }), (parts) => {
        const text = parts.join("");
        expect(tokensOf(text)).toEqual(reference(text));
      }),
      { numRuns: 3000 },
    );
    fc.assert(
      fc.property(fc.string({ unit: "grapheme", maxLength: 40 }), (text) => {
        expect(tokensOf(text)).toEqual(reference(text));
      }),
      { numRuns: 1000 },
    );
  });

  it("reads e-mails and URLs as links, initials as words, letter-digit runs as numbers", () => {
    const kinds = (text: string) => tokenize(text).kinds;
    expect(kinds("mail jane@example.com or https://x.org/a today")).toEqual([WORD, LINK, WORD, LINK, WORD]);
    expect(kinds("J. Smith, 4th @ SW1A")).toEqual([WORD, WORD, PUNCT, NUMBER, PUNCT, NUMBER]);
  });
});
