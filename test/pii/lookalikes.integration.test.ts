// Lookalike characters on the real routes: anonymize replaces the ORIGINAL span (invisible characters inside it
// included), a reject policy refuses internationalised e-mail addresses, and a long run of letters is kept.
import { describe, expect, it } from "vitest";
import { call, createDataset, expectProblem, newTenant } from "../helpers/api";
import { recordsPath } from "../records/helpers";
import { anonymize, deanonymize, detect } from "./helpers";

describe("lookalike characters through /anonymize and /pii/detect", () => {
  it("a name in decomposed form (NFD) is replaced in JSON data as in text", async () => {
    const { token } = await newTenant();
    const nfd = "Dear Jose\u0301 Garci\u0301a";
    expect((await anonymize(token, { data: { x: nfd } })).data).toEqual({ x: "Dear <PERSON>" });
    expect((await anonymize(token, { text: nfd })).text).toBe("Dear <PERSON>");
  });

  it("internationalised e-mail addresses are replaced whole", async () => {
    const { token } = await newTenant();
    const body = await anonymize(token, { text: "write to josé@example.com or müller@bücher.de" });
    expect(body.text).toBe("write to <EMAIL> or <EMAIL>");
  });

  it("invisible characters inside a value are replaced with it, and tokens restore the original bytes", async () => {
    const { token } = await newTenant();
    const text =
      "mail al\u00adice@example.com, ssn ０７８\u2011０５\u2011１１２０, call +1\u00a0415\u00a0555\u00a02671";
    const plain = await anonymize(token, { text });
    expect(plain.text).toBe("mail <EMAIL>, ssn <US_SSN>, call <PHONE>");
    const tokenized = await anonymize(token, { data: { note: text }, operators: { DEFAULT: { type: "tokenize" } } });
    expect(JSON.stringify(tokenized.data)).not.toMatch(/alice|415|078/);
    expect((await deanonymize(token, { data: tokenized.data })).data).toEqual({ note: text });
  });

  it("/pii/detect reports offsets and text of the original", async () => {
    const { token } = await newTenant();
    const text = "mail alice\u200b@example.com";
    const body = await detect(token, { text, return_text: true });
    expect(body.findings.map((f) => [f.type, f.start, f.end, f.text])).toEqual([
      ["EMAIL", 5, text.length, "alice\u200b@example.com"],
    ]);
  });

  it("a reject-EMAIL dataset refuses internationalised addresses in values and member names", async () => {
    const { token } = await newTenant();
    const ds = await createDataset(token, { pii_policy: { rules: { EMAIL: { action: "reject" } } } });
    for (const data of [{ contact: "write to josé@example.com" }, { "müller@bücher.de": 1 }]) {
      const p = await expectProblem(await call(recordsPath(ds.id), { token, body: { data } }), 422);
      expect(p.type).toMatch(/pii-rejected$/);
      expect(JSON.stringify(p)).not.toMatch(/josé|müller/);
    }
  });

  it("default anonymize keeps a long run of letters", async () => {
    const { token } = await newTenant();
    const run = "x".repeat(20_000);
    const body = await anonymize(token, { data: { x: `${run} and more text` } });
    expect(body.data).toEqual({ x: `${run} and more text` });
  });
});
