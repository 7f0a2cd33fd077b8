// Scoring, filtering and resolution behaviour of the detector, on free text and JSON.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { detectJson, detectText, MAX_JSON_DEPTH, prepareOptions, resolveOverlaps } from "../../src/shared/pii/detect";
import { ENTITY_TYPES } from "../../src/shared/pii/entities";
import { compileRecognizer } from "../../src/shared/pii/recognizer-store";
import { ProblemError } from "../../src/shared/errors";
import type { Candidate } from "../../src/shared/pii/types";

const all = prepareOptions({ minScore: 0, returnText: true });
const scoreOf = (text: string, type: string) => detectText(text, all).find((f) => f.type === type)?.score ?? 0;

describe("context words", () => {
  it("raise the score of a weak pattern above the default threshold", () => {
    expect(scoreOf("file 021000021 attached", "US_BANK_ROUTING")).toBeLessThan(0.5);
    expect(scoreOf("routing number 021000021 attached", "US_BANK_ROUTING")).toBeGreaterThanOrEqual(0.5);
    expect(scoreOf("ref 912803456", "US_PASSPORT")).toBeLessThan(0.5);
    expect(scoreOf("passport 912803456", "US_PASSPORT")).toBeGreaterThanOrEqual(0.5);
  });

  it("raise SSN scores and decide between readings of a bare 9-digit number", () => {
    const types = (t: string) => detectText(t, prepareOptions()).map((f) => f.type);
    expect(types("ssn 536228174")).toEqual(["US_SSN"]);
    expect(types("passport 536228174")).toEqual(["US_PASSPORT"]);
    expect(types("536228174")).toEqual([]);
  });

  it("negative words lower a score (an order number is seldom a card)", () => {
    expect(scoreOf("order number 4111111111111111", "CREDIT_CARD")).toBeLessThan(
      scoreOf("card number 4111111111111111", "CREDIT_CARD"),
    );
  });

  it("turn a date near 'born' into a DATE_OF_BIRTH, but not a date further away", () => {
    expect(detectText("born on 1990-05-17", all)[0].type).toBe("DATE_OF_BIRTH");
    const far = detectText("DOB 1990-05-17, started on 2021-04-01", all);
    expect(far.map((f) => f.type)).toEqual(["DATE_OF_BIRTH", "DATE_TIME"]);
  });

  it("JSON field names raise scores and vouch for whole values", () => {
    const f = detectJson(
      { ssn: "536228174", passport_no: "912803456", name: "zorblax quimby", city: "Springfield", password: "p4ss" },
      prepareOptions({ returnText: true }),
    );
    expect(f.map((x) => [x.path, x.type, x.text])).toEqual([
      ["$.ssn", "US_SSN", "536228174"],
      ["$.passport_no", "US_PASSPORT", "912803456"],
      ["$.name", "PERSON", "zorblax quimby"],
      ["$.city", "LOCATION", "Springfield"],
      ["$.password", "SECRETS", "p4ss"],
    ]);
  });

  it("scans numbers only under a telling field name", () => {
    const f = detectJson({ ssn: 536228174, count: 536228174, age: 42 }, prepareOptions());
    expect(f.map((x) => [x.path, x.type])).toEqual([
      ["$.ssn", "US_SSN"],
      ["$.age", "AGE"],
    ]);
  });
});

describe("overlap resolution", () => {
  const c = (type: string, start: number, end: number, score: number): Candidate => ({
    type,
    start,
    end,
    score,
    recognizer: "t",
  });

  it("keeps the higher score, then the longer span, then the more specific type", () => {
    expect(resolveOverlaps([c("PERSON", 0, 10, 0.6), c("LOCATION", 0, 10, 0.8)]).map((x) => x.type)).toEqual([
      "LOCATION",
    ]);
    expect(resolveOverlaps([c("URL", 0, 30, 0.7), c("EMAIL", 5, 20, 0.7)]).map((x) => x.type)).toEqual(["URL"]);
    expect(resolveOverlaps([c("DATE_TIME", 0, 10, 0.7), c("US_SSN", 0, 10, 0.7)]).map((x) => x.type)).toEqual([
      "US_SSN",
    ]);
  });

  it("drops a loser whole and keeps non-overlapping neighbours", () => {
    const kept = resolveOverlaps([
      c("A_X", 0, 5, 0.9),
      c("B_X", 3, 9, 0.8),
      c("C_X", 7, 12, 0.7),
      c("D_X", 20, 25, 0.1),
    ]);
    expect(kept.map((x) => x.type)).toEqual(["A_X", "C_X", "D_X"]);
  });

  it("a filtered-out type never hides a wanted one", () => {
    const text = "ssn 536228174";
    const onlyPassport = prepareOptions({ entities: ["US_PASSPORT"], minScore: 0 });
    expect(detectText(text, onlyPassport).map((f) => f.type)).toEqual(["US_PASSPORT"]);
  });

  it("the scanner falls through to later patterns when a checksum rejects a match", () => {
    // 16 digits failing Luhn are not a card, but a bare digit run; a 10-digit run is a phone.
    expect(detectText("call 4155552671 now", prepareOptions()).map((f) => f.type)).toEqual(["PHONE"]);
  });
});

describe("offsets", () => {
  it("are UTF-16 code units in text with accents, CJK and astral emoji", () => {
    const text = "Ça va? 😀 注意：jane@example.com 😀😀 Zoë Müller → +44 20 7946 0958";
    const f = detectText(text, prepareOptions({ returnText: true }));
    for (const x of f) expect(text.slice(x.start, x.end)).toBe(x.text);
    const email = f.find((x) => x.type === "EMAIL")!;
    expect(email.start).toBe(text.indexOf("jane@"));
    expect(f.find((x) => x.type === "PHONE")!.end).toBe(text.length);
  });

  it("always lie inside the string and never overlap (property)", () => {
    const piece = fc.constantFrom(
      "John Smith",
      "jane@example.com",
      "536-22-8174",
      "4111 1111 1111 1111",
      "192.168.0.1",
      "é",
      "😀",
      " ",
      ".",
      "\n",
      "Paris",
      "2021-03-04",
      "password=x9Fq2",
      "+44 20 7946 0958",
    );
    fc.assert(
      fc.property(fc.array(fc.oneof(piece, fc.string({ maxLength: 8 })), { maxLength: 12 }), (parts) => {
        const text = parts.join("");
        const f = detectText(text, prepareOptions({ minScore: 0 }));
        let last = 0;
        for (const x of f) {
          expect(x.start).toBeGreaterThanOrEqual(last);
          expect(x.end).toBeGreaterThan(x.start);
          expect(x.end).toBeLessThanOrEqual(text.length);
          expect(x.score).toBeGreaterThanOrEqual(0);
          expect(x.score).toBeLessThanOrEqual(1);
          last = x.end;
        }
      }),
      { numRuns: 300 },
    );
  });
});

describe("options", () => {
  it("entities selects types; min_score filters", () => {
    const text = "Mail jane@example.com or call (415) 555-2671";
    expect(detectText(text, prepareOptions({ entities: ["PHONE"] })).map((f) => f.type)).toEqual(["PHONE"]);
    // Without context words an e-mail scores 0.9 and a formatted phone 0.65.
    expect(
      detectText("jane@example.com (415) 555-2671", prepareOptions({ minScore: 0.95 })).map((f) => f.type),
    ).toEqual([]);
    expect(detectText("jane@example.com (415) 555-2671", prepareOptions({ minScore: 0.7 })).map((f) => f.type)).toEqual(
      ["EMAIL"],
    );
  });

  it("entities without a tagger type find what the whole detector finds of them (the tagger is skipped)", () => {
    const only = prepareOptions({ entities: ["EMAIL", "PHONE"], returnText: true });
    const every = prepareOptions({ returnText: true });
    const pick = (fs: { type: string; text?: string; start: number }[]) =>
      fs.filter((f) => f.type === "EMAIL" || f.type === "PHONE").map((f) => [f.type, f.text, f.start]);
    for (const text of [
      "Maria Garcia, 742 Evergreen Terrace, Springfield: maria@example.com, +1 415 555 2671",
      "Mail: Via Roma 71, 00184 Roma, call 06 4991 2345",
      "Please reach me at user12@example.com or +1 415 555 1012.",
    ]) {
      const expected = pick(detectText(text, every));
      expect(expected.length).toBeGreaterThan(0);
      expect(pick(detectText(text, only))).toEqual(expected);
    }
  });

  it("a type the tagger drops keeps the tagger: a ZIP code inside an address it reads is not reported alone", () => {
    const zip = prepareOptions({ entities: ["ZIP_CODE"], returnText: true });
    const text = "Postal address: Lindenweg 12, 64154 Lüneburg";
    // The tagger reads the address line whole (STREET_ADDRESS) and drops the postcode inside it; asked for
    // alone, the postcode must not come back: that would be the pattern's reading without the tagger.
    expect(detectText(text, prepareOptions({ returnText: true })).map((f) => [f.type, f.text])).toEqual([
      ["STREET_ADDRESS", "Lindenweg 12, 64154 Lüneburg"],
    ]);
    expect(detectText(text, zip)).toEqual([]);
    expect(detectText("zip 64154 please", zip).map((f) => f.text)).toEqual(["64154"]);
  });

  it("allow list suppresses exact values; deny list reports values as DENY_LIST", () => {
    const text = "Contact support@acme.test or jane@example.com about Project Falcon.";
    const f = detectText(
      text,
      prepareOptions({ allow: ["SUPPORT@acme.test"], deny: ["project falcon"], returnText: true }),
    );
    expect(f.map((x) => [x.type, x.text])).toEqual([
      ["EMAIL", "jane@example.com"],
      ["DENY_LIST", "Project Falcon"],
    ]);
  });

  it("only returns matched text when asked", () => {
    expect(detectText("jane@example.com", prepareOptions())[0].text).toBeUndefined();
  });

  it("custom recognizers run with their context words", () => {
    const rec = compileRecognizer({
      id: "rec_1",
      name: "employee",
      entity: "EMPLOYEE_ID",
      pattern: "\\bEMP-\\d{6}\\b",
      flags: "",
      context: ["employee"],
      score: 0.4,
    });
    const opts = prepareOptions({ custom: [rec] });
    expect(detectText("badge EMP-123456", opts)).toEqual([]);
    expect(detectText("employee EMP-123456", opts)).toEqual([
      { type: "EMPLOYEE_ID", start: 9, end: 19, score: 0.75, recognizer: "employee" },
    ]);
  });

  it("refuses JSON nested deeper than the limit", () => {
    let deep: unknown = "x";
    for (let i = 0; i < MAX_JSON_DEPTH + 2; i++) deep = [deep];
    expect(() => detectJson(deep, prepareOptions())).toThrow(ProblemError);
  });

  it("knows every entity type it can report", () => {
    expect(new Set(ENTITY_TYPES).size).toBe(ENTITY_TYPES.length);
  });
});
