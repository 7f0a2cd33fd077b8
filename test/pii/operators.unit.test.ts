// Operators that need no tenant keys, and FPE / surrogates under fixed test keys.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { parseDate, shiftDate } from "../../src/shared/anonymize/dates";
import { fpe, FpeUnsupported } from "../../src/shared/anonymize/fpe";
import { generalize } from "../../src/shared/anonymize/generalize";
import { mask } from "../../src/shared/anonymize/mask";
import { normalizeValue } from "../../src/shared/anonymize/normalize";
import { Rng, surrogate } from "../../src/shared/anonymize/surrogate";
import {
  abaValid,
  btcBase58Valid,
  btcBech32Valid,
  cardNetwork,
  ethAddressValid,
  ibanValid,
  luhnValid,
  ssnVerdict,
} from "../../src/shared/pii/checksums";
import { detectText, prepareOptions } from "../../src/shared/pii/detect";

const KEY = new Uint8Array(32).map((_, i) => i * 7 + 1);
const OTHER_KEY = new Uint8Array(32).map((_, i) => 255 - i);

describe("mask", () => {
  it("masks letters and digits, keeps separators, honours count, keep and from_end", () => {
    expect(mask("4111 1111 1111 1234", { keep: 4 })).toBe("**** **** **** 1234");
    expect(mask("jane@example.com", { count: 4, char: "#" })).toBe("####@example.com");
    expect(mask("536-22-8174", { count: 4, fromEnd: true })).toBe("536-22-****");
    expect(mask("Zoë 😀")).toBe("*** 😀");
  });
});

describe("generalize", () => {
  it.each([
    ["DATE_OF_BIRTH", "March 3, 1990", "1990"],
    ["DATE_TIME", "2021-04-05T10:00:00Z", "2021"],
    ["AGE", "47", "40-49"],
    ["AGE", "93", "90+"],
    ["ZIP_CODE", "62704", "627**"],
    ["IP_ADDRESS", "192.168.10.24", "192.168.10.0/24"],
    ["STREET_ADDRESS", "742 Evergreen Terrace, Springfield, IL 62704", "Springfield, IL"],
    ["PERSON", "John Smith", "<PERSON>"],
  ])("%s %s → %s", (type, value, out) => {
    expect(generalize(type, value)).toBe(out);
  });
  it("uses the bucket width", () => expect(generalize("AGE", "47", 5)).toBe("45-49"));
});

describe("date parsing and shifting keep the format", () => {
  it.each([
    ["2021-03-04", 30, "2021-04-03"],
    ["2021-03-04T10:30:00Z", -4, "2021-02-28T10:30:00Z"],
    ["03/04/2021", 1, "03/05/2021"],
    ["31.12.2020", 1, "01.01.2021"],
    ["March 3, 2021", 365, "March 3, 2022"],
    ["Mar 3, 2021", 29, "Apr 1, 2021"],
    ["3 March 2021", -3, "28 February 2021"],
    ["1st of March 2021", 1, "2nd of March 2021"],
  ])("%s %+d days → %s", (input, days, out) => {
    const p = parseDate(input)!;
    expect(p).not.toBeNull();
    expect(shiftDate(p, days)).toBe(out);
  });
  it("refuses non-dates", () => {
    expect(parseDate("2021-02-30")).toBeNull();
    expect(parseDate("not a date")).toBeNull();
  });
});

describe("format-preserving encryption", () => {
  const cardArb = fc.tuple(fc.constantFrom("4", "51", "37", "6011"), fc.integer({ min: 0, max: 3 })).chain(([prefix]) =>
    fc.stringMatching(/^\d{20}$/).map((d) => {
      const len = prefix === "37" ? 15 : 16;
      const body = (prefix + d).slice(0, len - 1);
      for (let c = 0; c <= 9; c++) if (luhnValid(body + c)) return body + c;
      return body + "0";
    }),
  );

  it("cards keep length, first digit, format and Luhn, and decrypt back (property)", () => {
    fc.assert(
      fc.property(cardArb, fc.boolean(), (card, spaced) => {
        const value = spaced ? card.replace(/(\d{4})(?=\d)/g, "$1 ") : card;
        const enc = fpe(KEY, "CREDIT_CARD", value);
        expect(enc.length).toBe(value.length);
        expect(enc.replace(/\d/g, "d")).toBe(value.replace(/\d/g, "d"));
        expect(enc[0]).toBe(value[0]);
        expect(luhnValid(enc.replace(/\D/g, ""))).toBe(true);
        expect(fpe(KEY, "CREDIT_CARD", enc, true)).toBe(value);
      }),
      { numRuns: 200 },
    );
  });

  it("SSNs stay valid SSNs in the same shape and decrypt back (property)", () => {
    const ssn = fc
      .tuple(fc.integer({ min: 1, max: 899 }), fc.integer({ min: 1, max: 99 }), fc.integer({ min: 1, max: 9999 }))
      .filter(([a]) => a !== 666)
      .map(([a, g, s]) => `${String(a).padStart(3, "0")}-${String(g).padStart(2, "0")}-${String(s).padStart(4, "0")}`);
    fc.assert(
      fc.property(ssn, (value) => {
        const enc = fpe(KEY, "US_SSN", value);
        expect(enc).toMatch(/^\d{3}-\d{2}-\d{4}$/);
        expect(ssnVerdict(enc.replace(/-/g, ""))).not.toBe("invalid");
        expect(fpe(KEY, "US_SSN", enc, true)).toBe(value);
      }),
      { numRuns: 200 },
    );
  });

  it("routing numbers, IBANs and phones keep their checks and shapes", () => {
    const routing = fpe(KEY, "US_BANK_ROUTING", "021000021");
    expect(abaValid(routing)).toBe(true);
    expect(routing.slice(0, 2)).toBe("02");
    expect(fpe(KEY, "US_BANK_ROUTING", routing, true)).toBe("021000021");
    for (const iban of ["DE89 3704 0044 0532 0130 00", "GB82WEST12345698765432"]) {
      const enc = fpe(KEY, "IBAN", iban);
      expect(ibanValid(enc.replace(/ /g, ""))).toBe(true);
      expect(enc.slice(0, 2)).toBe(iban.slice(0, 2));
      expect(fpe(KEY, "IBAN", enc, true)).toBe(iban);
    }
    for (const phone of ["(415) 555-2671", "+44 20 7946 0958", "+1 212 555 0188"]) {
      const enc = fpe(KEY, "PHONE", phone);
      expect(enc.replace(/\d/g, "d")).toBe(phone.replace(/\d/g, "d"));
      expect(fpe(KEY, "PHONE", enc, true)).toBe(phone);
    }
    const nanp = fpe(KEY, "PHONE", "(415) 555-2671");
    expect(nanp.slice(0, 5)).toBe("(415)");
    expect(Number(nanp[6])).toBeGreaterThanOrEqual(2);
  });

  it("depends on the key and the type, and refuses values it cannot keep in shape", () => {
    expect(fpe(KEY, "US_PASSPORT", "912803456")).not.toBe(fpe(OTHER_KEY, "US_PASSPORT", "912803456"));
    expect(fpe(KEY, "US_PASSPORT", "912803456")).not.toBe(fpe(KEY, "US_DRIVER_LICENSE", "912803456"));
    expect(() => fpe(KEY, "US_SSN", "000-12-3456")).toThrow(FpeUnsupported);
    expect(() => fpe(KEY, "US_DRIVER_LICENSE", "A1234")).toThrow(FpeUnsupported);
  });
});

describe("surrogates", () => {
  const rng = (n: number) => new Rng(new Uint8Array(32).fill(n));
  it("are realistic and pass the checks of their type", () => {
    const card = surrogate("CREDIT_CARD", "4111 1111 1111 1111", rng(1));
    expect(card).toMatch(/^4\d{3} \d{4} \d{4} \d{4}$/);
    expect(cardNetwork(card.replace(/ /g, ""))).toBe("visa");
    expect(luhnValid(card.replace(/ /g, ""))).toBe(true);
    expect(ssnVerdict(surrogate("US_SSN", "536-22-8174", rng(2)).replace(/-/g, ""))).toBe("valid");
    expect(ibanValid(surrogate("IBAN", "DE89370400440532013000", rng(3)))).toBe(true);
    expect(abaValid(surrogate("US_BANK_ROUTING", "021000021", rng(4)))).toBe(true);
    expect(btcBase58Valid(surrogate("CRYPTO", "1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa", rng(5)))).toBe(true);
    expect(btcBech32Valid(surrogate("CRYPTO", "bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4", rng(6)))).toBe(true);
    expect(ethAddressValid(surrogate("CRYPTO", "0x52908400098527886E0F7030069857D2E4169EE7", rng(7)))).toBe(true);
    expect(surrogate("EMAIL", "jane@corp.test", rng(8))).toMatch(/^[a-z'’-]+\.[a-z'’-]+\d+@example\.(com|org|net)$/);
    expect(surrogate("DATE_OF_BIRTH", "03/04/1990", rng(9))).toMatch(/^\d{2}\/\d{2}\/\d{4}$/);
    expect(surrogate("SECRETS", "ghp_16C7e42F292c6912E7710c838347Ae178B4a", rng(10))).toMatch(/^ghp_[A-Za-z0-9]{36}$/);
    const person = surrogate("PERSON", "John Smith", rng(11));
    expect(detectText(`Ask ${person} today`, prepareOptions()).map((f) => f.type)).toContain("PERSON");
  });
  it("are a function of the seed", () => {
    expect(surrogate("PERSON", "x", rng(1))).toBe(surrogate("PERSON", "y", rng(1)));
  });
});

describe("normalization for keyed operators", () => {
  it("makes spellings of one value equal", () => {
    expect(normalizeValue("EMAIL", " Jane@Example.COM ")).toBe(normalizeValue("EMAIL", "jane@example.com"));
    expect(normalizeValue("PHONE", "(415) 555-2671")).toBe(normalizeValue("PHONE", "415.555.2671"));
    expect(normalizeValue("PERSON", "John  Smith")).toBe(normalizeValue("PERSON", "john smith"));
  });
});
