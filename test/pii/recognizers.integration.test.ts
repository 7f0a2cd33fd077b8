// Custom recognizers through the API: CRUD, unsafe patterns, quotas, tenant isolation, use in detection.
import { describe, expect, it } from "vitest";
import { call, callJson, expectProblem, newTenant } from "../helpers/api";

const BASE = "/api/v1/pii/recognizers";
const EMPLOYEE = { name: "employee-id", entity: "EMPLOYEE_ID", pattern: "\\bEMP-\\d{6}\\b", context: ["employee", "badge"], score: 0.6 };

describe("custom recognizers", () => {
  it("create, read, list, replace, delete", async () => {
    const { token } = await newTenant();
    const { body: rec, res } = await callJson(BASE, { token, body: EMPLOYEE }, 201);
    // Recognizer ids are not mistakable for record ids (rec_…).
    expect(rec.id).toMatch(/^rcg_/);
    expect(rec).toMatchObject({ ...EMPLOYEE, flags: "" });
    expect(res.headers.get("location")).toBe(`${BASE}/${rec.id}`);
    expect((await callJson(`${BASE}/${rec.id}`, { token }, 200)).body).toEqual(rec);
    expect((await callJson(BASE, { token }, 200)).body.items).toEqual([rec]);
    const { body: replaced } = await callJson(`${BASE}/${rec.id}`, { token, method: "PUT", body: { ...EMPLOYEE, pattern: "\\bE-\\d{4}\\b", score: 0.9 } }, 200);
    expect(replaced).toMatchObject({ id: rec.id, pattern: "\\bE-\\d{4}\\b", score: 0.9 });
    expect((await call(`${BASE}/${rec.id}`, { token, method: "DELETE" })).status).toBe(204);
    await expectProblem(await call(`${BASE}/${rec.id}`, { token }), 404);
  });

  it("are used by detect and anonymize, with their context words", async () => {
    const { token } = await newTenant();
    await callJson(BASE, { token, body: EMPLOYEE }, 201);
    const { body } = await callJson("/api/v1/pii/detect", { token, body: { text: "badge EMP-123456\nEMP-654321", return_text: true } }, 200);
    expect(body.findings.map((f: any) => [f.type, f.text, f.score, f.recognizer])).toEqual([
      ["EMPLOYEE_ID", "EMP-123456", 0.95, "employee-id"],
      ["EMPLOYEE_ID", "EMP-654321", 0.6, "employee-id"],
    ]);
    const anon = await callJson("/api/v1/anonymize", { token, body: { text: "badge EMP-123456", operators: { EMPLOYEE_ID: { type: "redact" } } } }, 200);
    expect(anon.body.text).toBe("badge ");
    const selected = await callJson("/api/v1/pii/detect", { token, body: { text: "EMP-123456", entities: ["EMPLOYEE_ID"] } }, 200);
    expect(selected.body.findings).toHaveLength(1);
  });

  it("refuses patterns that could backtrack catastrophically, and invalid ones", async () => {
    const { token } = await newTenant();
    for (const pattern of ["(a+)+$", "(\\w|\\d)*x", "\\d+\\d+", "(\\w)\\1", "(?<=x)y", "[unclosed", "a*"]) {
      const p = await expectProblem(await call(BASE, { token, body: { ...EMPLOYEE, name: "bad", pattern } }), 422);
      expect(p.errors?.[0].path).toBe("$.pattern");
    }
    const { body } = await callJson(BASE, { token }, 200);
    expect(body.items).toEqual([]);
  });

  it("validates every field", async () => {
    const { token } = await newTenant();
    const p = await expectProblem(await call(BASE, { token, body: { name: "Bad Name", entity: "lower", pattern: "x", score: 2, context: ["Two Words"], flags: "g", extra: 1 } }), 422);
    expect(p.errors!.map((e) => e.path).sort()).toEqual(["$.context[0]", "$.entity", "$.extra", "$.flags", "$.name", "$.score"]);
    await expectProblem(await call(BASE, { token, body: { ...EMPLOYEE, entity: "DENY_LIST" } }), 422);
    await expectProblem(await call(BASE, { token, raw: "{not json", headers: { "Content-Type": "application/json" } }), 400);
    await expectProblem(await call(BASE, { token, raw: "x", headers: { "Content-Type": "text/plain" } }), 415);
  });

  it("names are unique per tenant (409) but free across tenants", async () => {
    const a = await newTenant();
    const b = await newTenant();
    await callJson(BASE, { token: a.token, body: EMPLOYEE }, 201);
    await expectProblem(await call(BASE, { token: a.token, body: EMPLOYEE }), 409);
    await callJson(BASE, { token: b.token, body: EMPLOYEE }, 201);
  });

  it("another tenant's recognizer answers 404 like a missing one", async () => {
    const a = await newTenant();
    const b = await newTenant();
    const { body: rec } = await callJson(BASE, { token: a.token, body: EMPLOYEE }, 201);
    const missing = rec.id.slice(0, -4) + "ZZZZ";
    for (const id of [rec.id, missing]) {
      await expectProblem(await call(`${BASE}/${id}`, { token: b.token }), 404);
      await expectProblem(await call(`${BASE}/${id}`, { token: b.token, method: "PUT", body: EMPLOYEE }), 404);
      await expectProblem(await call(`${BASE}/${id}`, { token: b.token, method: "DELETE" }), 404);
    }
    // B's detection does not use A's recognizer.
    const { body } = await callJson("/api/v1/pii/detect", { token: b.token, body: { text: "badge EMP-123456" } }, 200);
    expect(body.findings).toEqual([]);
    await expectProblem(await call(`${BASE}/not-an-id`, { token: a.token }), 422);
  });

  it("needs pii:admin to change, pii:detect to read, and a key at all", async () => {
    const reader = await newTenant(["pii:detect"]);
    await expectProblem(await call(BASE, { token: reader.token, body: EMPLOYEE }), 403);
    await callJson(BASE, { token: reader.token }, 200);
    const none = await newTenant(["datasets:read"]);
    await expectProblem(await call(BASE, { token: none.token }), 403);
    await expectProblem(await call(BASE, { body: EMPLOYEE }), 401);
  });
});
