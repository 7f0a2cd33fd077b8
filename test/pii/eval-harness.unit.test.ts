// The PII evaluation harness scores what it is given: hand-made cases with known answers
// (perfect, empty, wrong type, partial, nested, hard negatives), JSON offset mapping, and
// the real detector's JSON findings placed where the labels are.
import { describe, expect, it } from "vitest";
import { stringOffsets, toRaw } from "../../bench/pii/independent/json-offsets";
import { predict } from "../../bench/pii/independent/predict";
import {
  type Example,
  bootstrap,
  formatBreakdown,
  formatReport,
  labelOutcomes,
  score,
} from "../../bench/pii/independent/score";
import { prepareOptions } from "../../src/shared/pii/detect";

// "Call Kelsey Moran on 212-555-0187 about Jolene." — PERSON 5-17, PHONE 21-33, negative "Jolene" 40-46.
const text = "Call Kelsey Moran on 212-555-0187 about Jolene.";
const ex: Example = {
  id: "t1",
  text,
  format: "text",
  spans: [
    { start: 5, end: 17, type: "PERSON" },
    { start: 21, end: 33, type: "PHONE" },
  ],
  negatives: [{ start: 40, end: 46, kind: "song", allow: [] }],
};

describe("eval harness scoring", () => {
  it("gives 1 everywhere and no leak for a perfect prediction", () => {
    const r = score([ex], [ex.spans.map((s) => ({ ...s }))]);
    expect(r.micro).toMatchObject({ labels: 2, findings: 2, tp: 2, found: 2, exact: 2 });
    expect(r.micro).toMatchObject({ precision: 1, recall: 1, f1: 1, exactF1: 1 });
    expect(r.leak).toMatchObject({ leaked: 0, rate: 0, leakedChars: 0, charRate: 0 });
    expect(r.hardNegatives).toMatchObject({ spans: 1, hitSpans: 0, falsePositives: 0 });
  });

  it("gives recall 0 and a full leak for an empty prediction", () => {
    const r = score([ex], [[]]);
    expect(r.micro).toMatchObject({ labels: 2, findings: 0, found: 0, recall: 0, f1: 0, exactRecall: 0 });
    expect(r.leak).toMatchObject({ labels: 2, leaked: 2, rate: 1, chars: 24, leakedChars: 24, charRate: 1 });
  });

  it("counts a wrong type as a false positive and a miss, but not as a leak", () => {
    const r = score(
      [ex],
      [
        [
          { start: 5, end: 17, type: "LOCATION" },
          { start: 21, end: 33, type: "PHONE" },
        ],
      ],
    );
    const person = r.perType.find((s) => s.type === "PERSON")!;
    const location = r.perType.find((s) => s.type === "LOCATION")!;
    expect(person).toMatchObject({ labels: 1, found: 0, recall: 0, leaked: 0 });
    expect(location).toMatchObject({ labels: 0, findings: 1, tp: 0, precision: 0 });
    expect(r.micro).toMatchObject({ findings: 2, tp: 1, precision: 0.5, recall: 0.5 });
    expect(r.leak.rate).toBe(0);
  });

  it("rewards a partial span under overlap but not under exact match, and leaks the uncovered characters", () => {
    const r = score([ex], [[{ start: 5, end: 11, type: "PERSON" }]]); // "Kelsey" only
    const person = r.perType.find((s) => s.type === "PERSON")!;
    expect(person).toMatchObject({ found: 1, tp: 1, exact: 0, recall: 1, exactRecall: 0, exactPrecision: 0 });
    expect(r.leak).toMatchObject({ leaked: 1, leakedChars: 6 + 12, chars: 24 });
    expect(r.leak.charRate).toBeCloseTo(18 / 24);
  });

  it("ignores parts of an email and tolerated findings on negatives; penalises the rest", () => {
    const mail: Example = {
      id: "t2",
      text: "Mail kelsey.moran@example.org in May.",
      format: "text",
      spans: [{ start: 5, end: 29, type: "EMAIL" }],
      negatives: [{ start: 33, end: 36, kind: "month", allow: ["DATE_TIME"] }],
    };
    const r = score(
      [mail],
      [
        [
          { start: 5, end: 29, type: "EMAIL" },
          { start: 5, end: 17, type: "PERSON" }, // inside the email: ignored
          { start: 33, end: 36, type: "DATE_TIME" }, // tolerated on a month
        ],
      ],
    );
    expect(r.ignored).toBe(2);
    expect(r.micro).toMatchObject({ findings: 1, tp: 1, precision: 1 });
    const hit = score([mail], [[{ start: 33, end: 36, type: "PERSON" }]]);
    expect(hit.hardNegatives).toMatchObject({ hitSpans: 1, falsePositives: 1 });
    expect(hit.hardNegatives.byKind).toEqual({ month: { spans: 1, hit: 1 } });
    expect(hit.micro.precision).toBe(0);
  });

  it("counts a song title reported as PERSON against the hard negatives", () => {
    const r = score([ex], [[...ex.spans, { start: 40, end: 46, type: "PERSON" }]]);
    expect(r.hardNegatives).toMatchObject({ hitSpans: 1, falsePositives: 1 });
    expect(r.perType.find((s) => s.type === "PERSON")).toMatchObject({ findings: 2, tp: 1, precision: 0.5 });
  });

  it("counts DATE_OF_BIRTH as DATE_TIME", () => {
    const spans = [{ start: 5, end: 9, type: "DATE_TIME" }];
    const dob: Example = { id: "t3", text: "born 1972", format: "text", spans, negatives: [] };
    const r = score([dob], [[{ start: 5, end: 9, type: "DATE_OF_BIRTH" }]]);
    expect(r.perType).toHaveLength(1);
    expect(r.perType[0]).toMatchObject({ type: "DATE_TIME", exact: 1, f1: 1 });
  });

  it("refuses mismatched inputs and findings outside the text", () => {
    expect(() => score([ex], [])).toThrow(/1 examples but 0 predictions/);
    expect(() => score([ex], [[{ start: 40, end: 99, type: "PERSON" }]])).toThrow(/outside the text/);
  });

  it("reports each label's outcome and scores groups of examples separately", () => {
    const out = labelOutcomes([ex], [[{ start: 5, end: 17, type: "LOCATION" }]]);
    expect(out).toEqual([
      { id: "t1", type: "PERSON", value: "Kelsey Moran", found: false, covered: true },
      { id: "t1", type: "PHONE", value: "212-555-0187", found: false, covered: false },
    ]);
    const lower: Example = { ...ex, id: "t1l", text: text.toLowerCase(), case: "lower" };
    const md = formatBreakdown([{ ...ex, case: "as_is" }, lower], [ex.spans, []], (e) => e.case!, "case");
    expect(md).toContain("| as_is | 1 | 2 | 100.0 | 100.0 | 100.0 | 0.0 |");
    expect(md).toContain("| lower | 1 | 2 | 100.0 | 0.0 | 0.0 | 100.0 |");
  });

  it("bootstraps over templates: no spread when templates agree, a spread when they do not", () => {
    const same = [0, 1, 2, 3].map((k) => ({ ...ex, id: `s${k}`, template: `t${k}` }));
    const flat = bootstrap(
      same,
      same.map((e) => e.spans),
      (e) => e.template!,
      200,
    );
    expect(flat.microF1).toEqual([1, 1]);
    expect(flat.leakRate).toEqual([0, 0]);
    // Two templates found perfectly, two not at all: F1 over draws spans from 0 to 1.
    const mixed = bootstrap(
      same,
      same.map((e, k) => (k < 2 ? e.spans : [])),
      (e) => e.template!,
      500,
    );
    expect(mixed.leakRate[0]).toBeLessThan(0.5);
    expect(mixed.leakRate[1]).toBeGreaterThan(0.5);
    expect(mixed.f1.PERSON[0]).toBeLessThan(mixed.f1.PERSON[1]);
    // Same seed, same interval.
    expect(
      bootstrap(
        same,
        same.map((e, k) => (k < 2 ? e.spans : [])),
        (e) => e.template!,
        500,
      ),
    ).toEqual(mixed);
  });

  it("prints the leak rate and micro F1 in its markdown", () => {
    const md = formatReport("tiny", score([ex], [[]]));
    expect(md).toContain("**Leak rate 100.0 %**");
    expect(md).toMatch(/\| \*\*micro\*\* \| 2 \| 0 \|/);
    // A type reported but never labelled shows its precision only.
    const zip = formatReport("zip", score([ex], [[...ex.spans, { start: 0, end: 4, type: "ZIP_CODE" }]]));
    expect(zip).toContain("| ZIP_CODE | 0 | 1 | 0.0 | - | - | 0.0 | - | - | - |");
  });
});

describe("eval harness JSON offsets", () => {
  it("maps decoded offsets of every string value to the raw text, escapes included", () => {
    const raw = '{"a": {"b c": ["x\\"y", "\\u00e9t\\u00e9 ok"]}, "n": 3}';
    const at = stringOffsets(raw);
    expect([...at.keys()]).toEqual(['$.a["b c"][0]', '$.a["b c"][1]']);
    // "été ok": the decoded "ok" (4..6) is raw "ok" before the closing quote.
    const ok = toRaw(at, '$.a["b c"][1]', 4, 6);
    expect(raw.slice(ok.start, ok.end)).toBe("ok");
    // A span ending on an escape keeps the whole escape sequence.
    const e = toRaw(at, '$.a["b c"][1]', 0, 1);
    expect(raw.slice(e.start, e.end)).toBe("\\u00e9");
    expect(() => toRaw(at, "$.n", 0, 1)).toThrow(/no string value/);
    expect(() => stringOffsets('{"a": 1,}')).toThrow(SyntaxError);
  });

  it("places the real detector's JSON findings on the labelled raw spans", () => {
    const raw = '{"user": {"email": "kelsey.moran@example.org", "ip": "10.20.30.40"}}';
    const found = predict({ text: raw, format: "json" }, prepareOptions());
    const slices = found.map((f) => [f.type, raw.slice(f.start, f.end)]);
    expect(slices).toContainEqual(["EMAIL", "kelsey.moran@example.org"]);
    expect(slices).toContainEqual(["IP_ADDRESS", "10.20.30.40"]);
  });
});
