// POST /pii/detect and /anonymize: `default_region` and `language` read phone numbers written
// without "+"; both are validated, and both appear in the OpenAPI document.
import { describe, expect, it } from "vitest";
import { call, expectProblem, newTenant, openapiDocument } from "../helpers/api";
import { anonymize, detect } from "./helpers";

const DETECT = "/api/v1/pii/detect";
const ANONYMIZE = "/api/v1/anonymize";
// A London number in national format, written without any word that says "phone".
const TEXT = "Noted 020 79460958 in the file.";
const NUMBER = "020 79460958";

const phones = (body: { findings: { type: string; start: number; end: number }[] }) =>
  body.findings.filter((f) => f.type === "PHONE").map((f) => TEXT.slice(f.start, f.end));

describe("reading hints", () => {
  it("default_region makes a national number a phone without a context word", async () => {
    const { token } = await newTenant();
    expect(phones(await detect(token, { text: TEXT }))).toEqual([]);
    expect(phones(await detect(token, { text: TEXT, default_region: "GB" }))).toEqual([NUMBER]);
    // Not a valid number in that region: still only a shape.
    expect(phones(await detect(token, { text: TEXT, default_region: "US" }))).toEqual([]);
  });

  it("a language tag with a region, or a language of one country, stands in for default_region", async () => {
    const { token } = await newTenant();
    expect(phones(await detect(token, { text: TEXT, language: ["en-GB"] }))).toEqual([NUMBER]);
    const de = "Notiert: 030 23474959 im Vorgang.";
    const body = await detect(token, { text: de, language: ["de"], return_text: true });
    expect(body.findings.filter((f) => f.type === "PHONE").map((f) => f.text)).toEqual(["030 23474959"]);
    const plain = await detect(token, { text: de, language: ["en"] });
    expect(plain.findings.filter((f) => f.type === "PHONE")).toEqual([]);
  });

  it("anonymize uses the same hints", async () => {
    const { token } = await newTenant();
    const body = await anonymize(token, { text: TEXT, default_region: "GB" });
    expect(body.text).toBe("Noted <PHONE> in the file.");
    const without = await anonymize(token, { text: TEXT });
    expect(without.text).toBe(TEXT);
  });

  it("rejects malformed hints with a 422 naming the field", async () => {
    const { token } = await newTenant();
    const cases: [unknown, string][] = [
      [{ text: "a", default_region: "gb" }, "$.default_region"],
      [{ text: "a", default_region: "XX" }, "$.default_region"],
      [{ text: "a", default_region: 44 }, "$.default_region"],
      [{ text: "a", language: "de" }, "$.language"],
      [{ text: "a", language: [] }, "$.language"],
      [{ text: "a", language: ["not a tag"] }, "$.language[0]"],
    ];
    for (const url of [DETECT, ANONYMIZE]) {
      for (const [body, path] of cases) {
        const p = await expectProblem(await call(url, { token, body }), 422);
        expect(p.errors?.map((e) => e.path)).toContain(path);
      }
    }
  });

  it("are documented in the OpenAPI document", async () => {
    const doc = await openapiDocument();
    for (const name of ["DetectRequest", "AnonymizeRequest"]) {
      const props = doc.components.schemas[name].properties;
      expect(props.default_region.description).toMatch(/ISO 3166-1 alpha-2/);
      expect(props.language.type).toBe("array");
    }
  });
});
