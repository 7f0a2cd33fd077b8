// Structured identifiers in the shapes real text uses (issue 12, section 2): lower-case
// IBANs, long grouped cards, every current card issuer range, IPv6 before a full stop,
// two-level TLDs and punycode e-mails, the dashed ABA form, and commas as separators.
import { describe, expect, it } from "vitest";
import { detectText, prepareOptions } from "../../src/shared/pii/detect";
import { luhnDigit } from "../../scripts/lib/luhn.mjs";

const opts = prepareOptions({ returnText: true });
const found = (text: string) => detectText(text, opts).map((f) => [f.type, f.text]);

/** A card number of `length` digits: `prefix`, sevens, and the Luhn check digit. */
function card(prefix: string, length: number) {
  const body = prefix + "7".repeat(length - 1 - prefix.length);
  return body + luhnDigit(body);
}

describe("IBANs in any case", () => {
  it.each(["de89 3704 0044 0532 0130 00", "gb82west12345698765432", "Gb82 West 1234 5698 7654 32"])(
    "finds %s",
    (iban) => {
      expect(found(`please refund to ${iban}. thanks!`)).toContainEqual(["IBAN", iban]);
    },
  );

  it("still checks mod 97 in lower case", () => {
    expect(found("refund to de89 3704 0044 0532 0130 01").map(([t]) => t)).not.toContain("IBAN");
  });
});

describe("cards", () => {
  it.each([
    ["visa", card("4", 16)],
    ["mastercard 2-series", card("2720", 16)],
    ["amex", card("37", 15)],
    ["discover", card("6011", 16)],
    ["diners 14", card("305", 14)],
    ["diners 16", card("36", 16)],
    ["jcb 19", card("3589", 19)],
    ["mir", card("2204", 16)],
    ["unionpay 19", card("6212", 19)],
    ["maestro 12", card("6761", 12)],
    ["verve 19", card("5061", 19)],
    ["rupay", card("8172", 16)],
    ["troy", card("9792", 16)],
    ["uatp", card("1", 15)],
  ])("finds a %s number", (_issuer, number) => {
    expect(found(`card ${number} on file`)).toContainEqual(["CREDIT_CARD", number]);
  });

  it("finds 18-19 digit cards written in groups", () => {
    const n = card("6212", 19);
    const spaced = `${n.slice(0, 4)} ${n.slice(4, 8)} ${n.slice(8, 12)} ${n.slice(12, 16)} ${n.slice(16)}`;
    const dashed = spaced.replace(/ /g, "-");
    expect(found(`card ${spaced} declined`)).toContainEqual(["CREDIT_CARD", spaced]);
    expect(found(`card ${dashed} declined`)).toContainEqual(["CREDIT_CARD", dashed]);
  });

  it("does not take a Luhn-invalid number for a card", () => {
    const n = card("4", 16);
    const bad = n.slice(0, 15) + String((Number(n[15]) + 1) % 10);
    expect(found(`card ${bad}`).map(([t]) => t)).not.toContain("CREDIT_CARD");
  });
});

describe("comma as a separator", () => {
  it("finds every value in a CSV row", () => {
    const n = card("4", 16);
    const got = found(`name,card,exp\nJane,${n},12/27`);
    expect(got).toContainEqual(["CREDIT_CARD", n]);
  });

  it("finds both phones of 212-555-0187,212-555-0199", () => {
    const got = found("phones: 212-555-0187,212-555-0199");
    expect(got).toContainEqual(["PHONE", "212-555-0187"]);
    expect(got).toContainEqual(["PHONE", "212-555-0199"]);
  });

  it("keeps a thousands grouping one number, and not PII", () => {
    expect(found("Order total 7,386,942 units, 1,234,567,890 in stock")).toEqual([]);
  });
});

describe("network identifiers", () => {
  it.each(["2001:db8::e093:b2f7", "fe80::9114:eb:d642:4ca5", "::1", "144a:3b9b:12fe:943a:c4db:09a3:8e1c:af4e"])(
    "finds IPv6 %s before a full stop",
    (ip) => {
      expect(found(`Our server is at ${ip}.`)).toContainEqual(["IP_ADDRESS", ip]);
    },
  );

  it("does not read a clock time or '::' as an address", () => {
    expect(found("at 10:30 and :: in code").map(([t]) => t)).not.toContain("IP_ADDRESS");
  });

  it.each([
    "https://www.example.co.il/orders/9563",
    "HTTPS://WWW.EXAMPLE.CO.IL/PROFILE?ID=56228",
    "www.example.co.il/a",
  ])("finds URL %s", (u) => {
    expect(found(`visit ${u} now`)).toContainEqual(["URL", u]);
  });

  it("finds a bare domain under a two-level TLD", () => {
    expect(found("see shop.example.co.il for details")).toContainEqual(["URL", "shop.example.co.il"]);
  });

  it.each(["aino_haugland@beispiel.xn--6frz82g", "MEENAKSHI.V@SHOP.XN--80ASEHDB"])(
    "finds e-mail %s with a punycode TLD",
    (e) => {
      expect(found(`reach at ${e}.`)).toContainEqual(["EMAIL", e]);
    },
  );
});

describe("ABA routing numbers", () => {
  it("finds the dashed 4-4-1 form when the checksum holds", () => {
    expect(found("ROUTING NO ....... 0210-0002-1")).toContainEqual(["US_BANK_ROUTING", "0210-0002-1"]);
  });

  it("rejects a dashed form that fails the checksum", () => {
    expect(found("routing 0210-0002-2").map(([t]) => t)).not.toContain("US_BANK_ROUTING");
  });
});
