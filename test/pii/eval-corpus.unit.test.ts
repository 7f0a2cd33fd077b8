/// <reference types="vite/client" />
// The committed independent PII corpus keeps its promises: labels are well-formed spans of
// the project's entity types, checksummed values are valid, JSON examples are JSON with every
// label inside a string value, and DEV and TEST share no template and no name or place word.
import { describe, expect, it } from "vitest";
import devText from "../../bench/pii/independent/dev.jsonl?raw";
import testText from "../../bench/pii/independent/test.jsonl?raw";
import { stringOffsets } from "../../bench/pii/independent/json-offsets";
import type { Example } from "../../bench/pii/independent/score";
import { ENTITY_TYPES } from "../../src/shared/pii/entities";

type Row = Example & { split: string; template: string };
const parse = (t: string): Row[] =>
  t
    .trim()
    .split("\n")
    .map((l) => JSON.parse(l) as Row);
const dev = parse(devText);
const test = parse(testText);

// Checksums written here from their public definitions, independent of the generator.
function luhn(digits: string): boolean {
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let d = Number(digits[digits.length - 1 - i]);
    if (i % 2 === 1) d = d * 2 > 9 ? d * 2 - 9 : d * 2;
    sum += d;
  }
  return sum % 10 === 0;
}
function iban(value: string): boolean {
  const c = value.replace(/ /g, "").toUpperCase();
  const n = (c.slice(4) + c.slice(0, 4)).replace(/[A-Z]/g, (x) => String(x.charCodeAt(0) - 55));
  let rem = 0;
  for (const ch of n) rem = (rem * 10 + Number(ch)) % 97;
  return /^[A-Z]{2}\d{2}[A-Z0-9]{10,30}$/.test(c) && rem === 1;
}
function aba(value: string): boolean {
  const d = value.replace(/-/g, "");
  const w = [3, 7, 1, 3, 7, 1, 3, 7, 1];
  return /^\d{9}$/.test(d) && [...d].reduce((a, ch, i) => a + Number(ch) * w[i], 0) % 10 === 0;
}

// Particles shared by surnames of many languages ("van der Berg", "De Santis", "Al-Farsi").
const PARTICLES = new Set(["van", "de", "der", "den", "al", "el", "la", "da", "dos", "di"]);
const nameWords = (rows: Row[], type: string) =>
  new Set(
    rows.flatMap((r) =>
      r.spans
        .filter((s) => s.type === type)
        // Hyphenated given names stay whole: "Ji-woo" and "Hyun-woo" are different names.
        .flatMap((s) =>
          r.text
            .slice(s.start, s.end)
            .toLowerCase()
            .split(/[\s,.]+/u),
        )
        .filter((w) => w.length > 1 && !PARTICLES.has(w)),
    ),
  );

describe("independent PII corpus", () => {
  it("has about 1,500 examples per split with unique ids", () => {
    for (const [rows, split] of [
      [dev, "dev"],
      [test, "test"],
    ] as const) {
      expect(rows.length).toBeGreaterThanOrEqual(1400);
      expect(new Set(rows.map((r) => r.id)).size).toBe(rows.length);
      expect(rows.every((r) => r.split === split)).toBe(true);
    }
  });

  it("labels trimmed, non-overlapping spans of the project's entity types", () => {
    const types = new Set<string>(ENTITY_TYPES);
    for (const r of [...dev, ...test]) {
      const all = [...r.spans, ...r.negatives].sort((a, b) => a.start - b.start);
      for (let i = 0; i < all.length; i++) {
        const v = r.text.slice(all[i].start, all[i].end);
        expect(v.length, r.id).toBeGreaterThan(0);
        expect(v.trim(), r.id).toBe(v);
        if (i) expect(all[i].start, r.id).toBeGreaterThanOrEqual(all[i - 1].end);
      }
      for (const s of r.spans) expect(types.has(s.type), `${r.id} ${s.type}`).toBe(true);
    }
  });

  it("has valid checksums on every card, IBAN and routing number", () => {
    let n = 0;
    for (const r of [...dev, ...test]) {
      for (const s of r.spans) {
        const v = r.text.slice(s.start, s.end);
        if (s.type === "CREDIT_CARD") expect(luhn(v.replace(/[ -]/g, "")), `${r.id} ${v}`).toBe(true);
        else if (s.type === "IBAN") expect(iban(v), `${r.id} ${v}`).toBe(true);
        else if (s.type === "US_BANK_ROUTING") expect(aba(v), `${r.id} ${v}`).toBe(true);
        else continue;
        n++;
      }
    }
    expect(n).toBeGreaterThan(500);
  });

  it("keeps every label of a JSON example inside one string value", () => {
    const json = [...dev, ...test].filter((r) => r.format === "json");
    expect(json.length).toBeGreaterThan(100);
    for (const r of json) {
      const values = [...stringOffsets(r.text).values()].map((at) => ({ start: at[0] ?? -1, end: at[at.length - 1] }));
      for (const s of r.spans) {
        expect(
          values.some((v) => s.start >= v.start && s.end <= v.end),
          `${r.id} ${s.start}`,
        ).toBe(true);
      }
    }
  });

  it("shares no template and no name or place word between DEV and TEST", () => {
    const devTemplates = new Set(dev.map((r) => r.template));
    expect(test.filter((r) => devTemplates.has(r.template))).toEqual([]);
    for (const type of ["PERSON", "LOCATION"]) {
      const d = nameWords(dev, type);
      const shared = [...nameWords(test, type)].filter((w) => d.has(w));
      expect(shared, type).toEqual([]);
    }
  });
});
