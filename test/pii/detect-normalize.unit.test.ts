// Lookalike characters (decomposed letters, fullwidth digits, Unicode dashes and spaces, invisible
// characters) must not carry PII past detection, and findings must still point into the ORIGINAL text.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { detectJson, detectText, prepareOptions } from "../../src/shared/pii/detect";
import { detectJsonWithNames } from "../../src/shared/pii/member-names";
import { originalSpan, toDetectionForm } from "../../src/shared/pii/normalize";

const opts = prepareOptions({ returnText: true });
/** [type, text as found in the original] of each finding. */
const found = (text: string) => detectText(text, opts).map((f) => [f.type, text.slice(f.start, f.end)]);
const foundIn = (data: unknown) => detectJsonWithNames(data, opts).map((f) => [f.type, f.path, f.text]);

describe("detection form (normalize.ts)", () => {
  it("leaves ASCII text and text already in detection form alone", () => {
    expect(toDetectionForm("Call 415-555-2671, mail a@b.org")).toBeNull();
    expect(toDetectionForm("Dear José García")).toBeNull();
  });

  it("composes, folds width, unifies dashes and spaces and drops invisible characters", () => {
    const text = "Jose\u0301 \uff11\uff12\u2011\u00a0a\u200bb\u00adc\u202fz";
    const form = toDetectionForm(text)!;
    expect(form.text).toBe("José 12- abc z");
    // Each detection-form span maps to the original characters it came from, removed ones inside it included.
    expect(originalSpan(form, 0, 4)).toEqual([0, 5]);
    expect(originalSpan(form, 5, 7)).toEqual([6, 8]);
    expect(originalSpan(form, 9, 12)).toEqual([text.indexOf("a"), text.indexOf("c") + 1]);
    expect(text.slice(...originalSpan(form, 9, 12))).toBe("a\u200bb\u00adc");
  });

  it("maps a span to original characters whose detection form holds it", () => {
    const piece = fc.constantFrom(
      ...["a", "Z", "7", " ", "-", "é", "e\u0301", "\uff17", "\u2011", "\u00a0", "\u200b", "\u00ad", "ﬁ", "😀"],
      "\u1100\u1161",
    );
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 30 }), fc.nat(), fc.nat(), (pieces, a, b) => {
        const text = pieces.join("");
        const form = toDetectionForm(text);
        if (!form) return;
        const n = form.text.length + 1;
        const [s, e] = [a % n, b % n].sort((x, y) => x - y);
        const [os, oe] = originalSpan(form, s, e);
        expect(0 <= os && os <= oe && oe <= text.length).toBe(true);
        const original = text.slice(os, oe);
        expect(toDetectionForm(original)?.text ?? original).toContain(form.text.slice(s, e));
      }),
    );
  });
});

describe("names in decomposed form (NFD)", () => {
  const nfd = "Dear Jose\u0301 Garci\u0301a";

  it("are found in JSON values as in text, with offsets in the original", () => {
    expect(found(nfd)).toEqual([["PERSON", "Jose\u0301 Garci\u0301a"]]);
    for (const key of ["x", "note"])
      expect(foundIn({ [key]: nfd })).toEqual([["PERSON", `$.${key}`, "Jose\u0301 Garci\u0301a"]]);
  });

  it("a lone decomposed letter is no name", () => {
    expect(found("e\u0301")).toEqual([]);
    expect(foundIn({ x: "e\u0301" })).toEqual([]);
  });
});

describe("internationalised e-mail addresses (RFC 6531)", () => {
  it("are found whole, in text and in member names", () => {
    expect(found("write to josé@example.com")).toEqual([["EMAIL", "josé@example.com"]]);
    expect(found("müller@bücher.de")).toEqual([["EMAIL", "müller@bücher.de"]]);
    expect(found("Dear Jose\u0301 Garci\u0301a, mail jose\u0301garcia@example.com")).toEqual([
      ["PERSON", "Jose\u0301 Garci\u0301a"],
      ["EMAIL", "jose\u0301garcia@example.com"],
    ]);
    expect(found("пишите иван@почта.рф")).toContainEqual(["EMAIL", "иван@почта.рф"]);
    expect(found("e-mail 用户@例子.广告")).toContainEqual(["EMAIL", "用户@例子.广告"]);
    expect(foundIn({ "müller@bücher.de": 1 })).toEqual([["EMAIL", '$["müller@bücher.de"]~', "müller@bücher.de"]]);
  });

  it("take no surrounding non-ASCII words or punctuation", () => {
    expect(found("Grüße an jörg@firma.de und ärger")).toEqual([["EMAIL", "jörg@firma.de"]]);
    expect(found("«josé@example.com»")).toEqual([["EMAIL", "josé@example.com"]]);
    expect(found("请联系zhang@example.com谢谢")).toEqual([["EMAIL", "zhang@example.com"]]);
  });
});

describe("lookalike digits, dashes, spaces and invisible characters", () => {
  it("fullwidth digits", () => {
    expect(found("SSN １２３-４５-６７８９")).toEqual([["US_SSN", "１２３-４５-６７８９"]]);
    expect(found("card ４１１１ １１１１ １１１１ １１１１")).toEqual([
      ["CREDIT_CARD", "４１１１ １１１１ １１１１ １１１１"],
    ]);
  });

  it("a non-breaking hyphen in an SSN and NBSP in a phone number", () => {
    expect(found("ssn 078\u201105\u20111120")).toEqual([["US_SSN", "078\u201105\u20111120"]]);
    expect(found("call +1\u00a0415\u00a0555\u00a02671")).toEqual([["PHONE", "+1\u00a0415\u00a0555\u00a02671"]]);
  });

  it("a zero-width space or soft hyphen inside an e-mail address is inside the finding", () => {
    expect(found("mail alice\u200b@example.com")).toEqual([["EMAIL", "alice\u200b@example.com"]]);
    expect(found("mail al\u00adice@example.com")).toEqual([["EMAIL", "al\u00adice@example.com"]]);
    expect(found("mail ａｌｉｃｅ@example.com")).toEqual([["EMAIL", "ａｌｉｃｅ@example.com"]]);
  });

  it("JSON values get the same findings as text", () => {
    const text = "ssn 078\u201105\u20111120, mail al\u00adice@example.com";
    const fromJson = detectJson({ note: text }, opts).map((f) => [f.type, f.text]);
    expect(fromJson).toEqual(found(text));
  });
});

describe("false positives", () => {
  it("a run of thousands of letters is no name or place", () => {
    for (const run of ["x".repeat(300_000), "X".repeat(300_000), "Xx".repeat(1000)]) {
      for (const tail of [" text", " and more text", ", Berlin", " Main Street 12"]) {
        const text = run + tail;
        for (const f of [...detectText(text, opts), ...detectJson({ x: text }, opts)])
          expect(f.start).toBeGreaterThanOrEqual(run.length);
      }
    }
  });

  it('"no pii" names no one', () => {
    expect(found("no pii")).toEqual([]);
    expect(foundIn({ "acct 1234 x": "no pii" })).toEqual([]);
  });
});
