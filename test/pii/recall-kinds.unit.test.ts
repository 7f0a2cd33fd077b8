// Names, places, addresses, phones and dates in the shapes of real text (issue 12, section 2),
// through the real detector with default options. Names and places come from the trained
// tagger; the names below are not in the gazetteer's English lists.
import { describe, expect, it } from "vitest";
import { detectJson, detectText, prepareOptions } from "../../src/shared/pii/detect";

const opts = prepareOptions({ returnText: true });
const found = (text: string, o = opts) => detectText(text, o).map((f) => [f.type, f.text]);
const typed = (text: string, type: string) =>
  found(text)
    .filter(([t]) => t === type)
    .map(([, v]) => v);

describe("person names", () => {
  it.each([[{ plain: "nothing here", n: 4 }], [{ note: "nothing to report" }], [{ comment: "nothing much" }]])(
    "does not read short values of common words as a name: %j",
    (value) => {
      expect(detectJson(value, opts).filter((f) => f.type === "PERSON" || f.type === "LOCATION")).toEqual([]);
    },
  );

  it.each([
    ["My name is Siiri and I need help.", "Siiri"],
    ["Hi Petra, thanks for the quick reply!", "Petra"],
    ["Dear Ms. Koivisto,\nthank you for your letter.", "Koivisto"],
    ["Nicole: can you resend the invoice?", "Nicole"],
    ["ok so I asked Oluwaseun about it", "Oluwaseun"],
  ])("finds a lone given name or surname after a cue: %s", (text, name) => {
    expect(typed(text, "PERSON")).toContain(name);
  });

  it.each([
    ["Priya Natarajan called about the refund.", "Priya Natarajan"],
    ["I spoke with Kelsey Moran yesterday.", "Kelsey Moran"],
    ["Signed, Aurelio Quintanilla", "Aurelio Quintanilla"],
  ])("finds a full name whose surname is in no list: %s", (text, name) => {
    expect(typed(text, "PERSON")).toContain(name);
  });

  it("finds names written in lower case and in capitals", () => {
    expect(typed("my name is priya natarajan and i need help with my order", "PERSON")).toContain("priya natarajan");
    expect(typed("DEAR MR. OYELARAN,\nTHANK YOU FOR YOUR MESSAGE.", "PERSON")).toContain("OYELARAN");
  });

  it("finds names in their own script under a cue or a field name", () => {
    expect(typed("Контакт: Иван Петров, тел. неизвестен", "PERSON")).toContain("Иван Петров");
    const f = detectJson({ name: "王伟", customer: "Ана Ковач", note: "ok" }, opts);
    expect(f.filter((x) => x.type === "PERSON").map((x) => x.path)).toEqual(["$.name", "$.customer"]);
  });

  it.each([
    "The European Union announced new rules in May.",
    "Playlist for the party: Hotel California, Bohemian Rhapsody.",
    "Membership at the Riverside Country Club includes golf.",
    "Visual Studio Code crashed again after the update.",
  ])("does not take organisations, songs, products or months for people: %s", (text) => {
    expect(typed(text, "PERSON")).toEqual([]);
  });

  it("does not take identifier labels for names", () => {
    expect(typed("ssn 536228174", "PERSON")).toEqual([]);
    expect(typed("routing number 021000021", "PERSON")).toEqual([]);
  });
});

describe("places", () => {
  it("finds cities and countries the gazetteer does not list", () => {
    const got = typed("She moved from Kuopio to Tampere, Finland in 2019.", "LOCATION");
    expect(got).toEqual(expect.arrayContaining(["Kuopio", "Tampere"]));
  });
});

describe("street addresses", () => {
  it.each([
    "Via Roma 71, 00184 Roma",
    "Koivukatu 9, 70100 Kuopio",
    "PO Box 4417, Tulsa, OK 74103",
    "5732 Hawthorne Blvd, Suite 2C, Tulsa, OK 66856",
    "742 Evergreen Terrace, Springfield, IL 62704",
  ])("finds %s as one span", (address) => {
    expect(typed(`Please ship it to ${address}.`, "STREET_ADDRESS")).toEqual([address]);
  });

  it("does not take a count of products for an address", () => {
    expect(typed("I bought 3 Green Apples and 2 pears.", "STREET_ADDRESS")).toEqual([]);
  });
});

describe("phones in national formats", () => {
  it.each([
    ["Phone: 078 8098 1119", "078 8098 1119"],
    ["tel. 03.93.92.16.85", "03.93.92.16.85"],
    ["call 0044 7700 900123 tonight", "0044 7700 900123"],
    ["my new number is 090-1234-5678", "090-1234-5678"],
    ["mobile 0532 123 45 67", "0532 123 45 67"],
    ["Daytime phone: 08-744 512 95", "08-744 512 95"],
  ])("finds %s", (text, number) => {
    expect(typed(text, "PHONE")).toEqual([number]);
  });

  it("finds every number of a comma-separated list, and context words in other languages", () => {
    expect(typed("080-8235-4968,03-4919-2590", "PHONE")).toEqual(["080-8235-4968", "03-4919-2590"]);
    expect(typed("Mi movil es 07841 660580. Un abrazo", "PHONE")).toEqual(["07841 660580"]);
  });

  it("leaves amounts, years and versions alone", () => {
    expect(typed("total 1 234 567 in 2021, build 4.1.2", "PHONE")).toEqual([]);
    expect(typed("call 123-456-7890 now", "PHONE")).toEqual([]);
  });
});

describe("dates", () => {
  it.each([
    ["She was born 1972 in Lyon.", "1972"],
    ["Customer since 1998.", "1998"],
    ["Send the quote by Saturday, July 5.", "Saturday, July 5"],
    ["SEND THE QUOTE BY SATURDAY, JULY 5.", "SATURDAY, JULY 5"],
    ["Date of birth: 5-May-2021", "5-May-2021"],
    ["Thank you for your letter of May-2021.", "May-2021"],
    ["She joins on 21.5.21 in the Durban office.", "21.5.21"],
    ["card exp 05/2021", "05/2021"],
    ["valid thru 12/27", "12/27"],
    ["will sign on 1952年5月28日", "1952年5月28日"],
    ["Belfast, Sat 29 Jun", "Sat 29 Jun"],
  ])("finds the date in %s", (text, date) => {
    const dates = found(text)
      .filter(([t]) => t === "DATE_TIME" || t === "DATE_OF_BIRTH")
      .map(([, v]) => v);
    expect(dates).toEqual([date]);
  });

  it("leaves version numbers and bare numbers alone", () => {
    expect(found("upgrade to version 1.2.13 now").filter(([t]) => t === "DATE_TIME")).toEqual([]);
    expect(found("we sold 1972 units").filter(([t]) => t === "DATE_TIME")).toEqual([]);
  });
});
