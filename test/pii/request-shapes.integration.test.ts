// What the PII endpoints take, as the OpenAPI document says it: `data` of /pii/detect, /anonymize and /deanonymize is
// any JSON value (the document said object while arrays, strings and null were taken); /deanonymize's `fpe_entities`
// names only types FPE supports (an unknown type was taken and ignored); a rename that would merge two members on
// /deanonymize says it is restoring, not anonymizing.
import { describe, expect, it } from "vitest";
import { call, expectProblem, newTenant, openapiDocument } from "../helpers/api";
import { anonymize, deanonymize, detect } from "./helpers";

describe("PII request shapes agree with the OpenAPI document", () => {
  it("`data` is any JSON value, in the document and on the server", async () => {
    const doc = await openapiDocument();
    for (const name of ["DetectRequest", "AnonymizeRequest", "DeanonymizeRequest"]) {
      const data = doc.components.schemas[name].properties.data;
      expect(data.type, name).toEqual(["object", "array", "string", "number", "boolean", "null"]);
    }
    const { token } = await newTenant();
    expect((await detect(token, { data: ["alice@example.com"] })).findings.map((f) => f.path)).toEqual(["$[0]"]);
    expect((await detect(token, { data: "alice@example.com" })).findings.map((f) => f.path)).toEqual(["$"]);
    expect((await detect(token, { data: null })).findings).toEqual([]);
    const out = await anonymize(token, { data: ["alice@example.com", 3] });
    expect(out.data).toEqual(["<EMAIL>", 3]);
    expect(out.items).toEqual([{ type: "EMAIL", path: "$[0]", start: 0, end: 7, operator: "replace" }]);
  });

  it("/deanonymize refuses an fpe_entities type that FPE does not support (422), and takes one it does", async () => {
    const { token } = await newTenant();
    for (const type of ["NOPE", "EMAIL"]) {
      const res = await call("/api/v1/deanonymize", { token, body: { text: "x", fpe_entities: [type] } });
      const p = await expectProblem(res, 422);
      expect(p.errors!.map((e) => e.path)).toEqual(["$.fpe_entities[0]"]);
    }
    const doc = await openapiDocument();
    expect(doc.components.schemas.DeanonymizeRequest.properties.fpe_entities.items.enum).toContain("US_SSN");
    const ok = await deanonymize(token, { text: "x", fpe_entities: ["US_SSN"] });
    expect(ok.text).toBe("x");
  });

  it("a restore that would merge two members says it is restoring", async () => {
    const { token } = await newTenant();
    const first = await anonymize(token, {
      data: { "alice@example.com": 1 },
      operators: { EMAIL: { type: "tokenize" } },
    });
    const [tok] = Object.keys(first.data as object);
    const res = await call("/api/v1/deanonymize", { token, body: { data: { [tok]: 1, "alice@example.com": 2 } } });
    const p = await expectProblem(res, 422);
    expect(p.type).toMatch(/member-name-collision$/);
    expect(p.detail).toMatch(/^Restoring the member names of an object/);
    expect(p.errors).toEqual([{ path: "$", message: "Two member names of this object would become the same." }]);
  });
});
