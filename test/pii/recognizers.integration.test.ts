// Custom recognizers through the API: CRUD, unsafe patterns, quotas, tenant isolation, use in detection.
import { describe, expect, it } from "vitest";
import { call, expectProblem, newTenant } from "../helpers/api";
import { client, expectJson } from "../helpers/client";
import { anonymize, createRecognizer, detect as detectPii } from "./helpers";

const BASE = "/api/v1/pii/recognizers";
const EMPLOYEE = {
  name: "employee-id",
  entity: "EMPLOYEE_ID",
  pattern: "\\bEMP-\\d{6}\\b",
  context: ["employee", "badge"],
  score: 0.6,
};

/** GET /pii/recognizers; fails unless 200. */
const listRecognizers = async (token: string) =>
  expectJson(await client(token).api.v1.pii.recognizers.$get({ query: {} }), 200);

describe("custom recognizers", () => {
  it("create, read, list, replace, delete", async () => {
    const { token } = await newTenant();
    const res = await client(token).api.v1.pii.recognizers.$post({ json: EMPLOYEE });
    const rec = await expectJson(res, 201);
    // Recognizer ids are not mistakable for record ids (rec_…).
    expect(rec.id).toMatch(/^rcg_/);
    expect(rec).toMatchObject({ ...EMPLOYEE, flags: "" });
    expect(res.headers.get("location")).toBe(`${BASE}/${rec.id}`);
    const recognizers = client(token).api.v1.pii.recognizers;
    expect(await expectJson(await recognizers[":id"].$get({ param: { id: rec.id } }), 200)).toEqual(rec);
    expect((await listRecognizers(token)).items).toEqual([rec]);
    const replaced = await expectJson(
      await recognizers[":id"].$put({
        param: { id: rec.id },
        json: { ...EMPLOYEE, pattern: "\\bE-\\d{4}\\b", score: 0.9 },
      }),
      200,
    );
    expect(replaced).toMatchObject({ id: rec.id, pattern: "\\bE-\\d{4}\\b", score: 0.9 });
    expect((await call(`${BASE}/${rec.id}`, { token, method: "DELETE" })).status).toBe(204);
    await expectProblem(await call(`${BASE}/${rec.id}`, { token }), 404);
  });

  it("are used by detect and anonymize, with their context words", async () => {
    const { token } = await newTenant();
    await createRecognizer(token, EMPLOYEE);
    const body = await detectPii(token, { text: "badge EMP-123456\nEMP-654321", return_text: true });
    expect(body.findings.map((f) => [f.type, f.text, f.score, f.recognizer])).toEqual([
      ["EMPLOYEE_ID", "EMP-123456", 0.95, "employee-id"],
      ["EMPLOYEE_ID", "EMP-654321", 0.6, "employee-id"],
    ]);
    const anon = await anonymize(token, { text: "badge EMP-123456", operators: { EMPLOYEE_ID: { type: "redact" } } });
    expect(anon.text).toBe("badge ");
    const selected = await detectPii(token, { text: "EMP-123456", entities: ["EMPLOYEE_ID"] });
    expect(selected.findings).toHaveLength(1);
  });

  it("refuses, with the feature's name, what the linear-time engine cannot run, and invalid patterns", async () => {
    const { token } = await newTenant();
    const cases: [string, RegExp][] = [
      ["(\\w)\\1", /backreferences/],
      ["(?<n>x)\\k<n>", /named backreferences/],
      ["(?=\\d{9})\\d+", /lookahead/],
      ["x(?!y)", /lookahead/],
      ["(?<=x)y", /lookbehind/],
      ["\\d++", /possessive/],
      ["(?>ab|a)c", /atomic groups/],
      ["[unclosed", /unterminated character class/],
      ["(unclosed", /not a valid regular expression/],
      ["a*", /empty string/],
    ];
    for (const [pattern, reason] of cases) {
      const p = await expectProblem(await call(BASE, { token, body: { ...EMPLOYEE, name: "bad", pattern } }), 422);
      expect(p.errors?.[0].path).toBe("$.pattern");
      expect(p.errors?.[0].message, pattern).toMatch(reason);
      expect(p.detail).toMatch(reason);
    }
    // The same check on replace.
    const rec = await createRecognizer(token, EMPLOYEE);
    const p = await expectProblem(
      await call(`${BASE}/${rec.id}`, { token, method: "PUT", body: { ...EMPLOYEE, pattern: "(?<=x)y" } }),
      422,
    );
    expect(p.errors?.[0].message).toMatch(/lookbehind/);
    const body = await listRecognizers(token);
    expect(body.items.map((r) => r.pattern)).toEqual([EMPLOYEE.pattern]);
  });

  describe("patterns that backtrack catastrophically in JavaScript complete, with the right answer", () => {
    const detect = async (token: string, text: string, entity: string) =>
      (await detectPii(token, { text, entities: [entity], return_text: true })).findings.map((f) => [
        f.start,
        f.end,
        f.text,
      ]);

    it("[a-z]+\\d*[a-z]+\\d*[a-z]+\\d*# on 2,000+ letters (the pattern of issue 9)", async () => {
      const { token } = await newTenant();
      await createRecognizer(token, {
        name: "tag",
        entity: "TAG",
        pattern: "[a-z]+\\d*[a-z]+\\d*[a-z]+\\d*#",
        score: 0.9,
      });
      const letters = "abcdefghij".repeat(250);
      expect(await detect(token, letters, "TAG")).toEqual([]);
      const text = `${letters} ab1cd2ef# ${letters}`;
      const at = letters.length + 1;
      expect(await detect(token, text, "TAG")).toEqual([[at, at + 9, "ab1cd2ef#"]]);
      // And /healthz answers meanwhile.
      expect((await call("/healthz")).status).toBe(200);
    });

    it("(a+)+$, (a|aa)+$ and (.*a){20} on long inputs", async () => {
      const { token } = await newTenant();
      await createRecognizer(token, { name: "nested", entity: "NESTED", pattern: "(a+)+$", score: 0.9 });
      await createRecognizer(token, { name: "alternation", entity: "ALTERNATION", pattern: "(a|aa)+$", score: 0.9 });
      await createRecognizer(token, { name: "star", entity: "STAR", pattern: "(.*a){20}", score: 0.9 });
      const as = "a".repeat(50_000);
      expect(await detect(token, as + "!", "NESTED")).toEqual([]);
      expect(await detect(token, as + "!", "ALTERNATION")).toEqual([]);
      expect(await detect(token, "x aaaa", "NESTED")).toEqual([[2, 6, "aaaa"]]);
      expect(await detect(token, "x aaaa", "ALTERNATION")).toEqual([[2, 6, "aaaa"]]);
      // (.*a){20}: no line has twenty a's, except the last one.
      const lines = Array.from({ length: 1000 }, () => "b".repeat(10) + "a".repeat(19)).join("\n");
      const last = "c" + "a".repeat(20);
      expect(await detect(token, lines, "STAR")).toEqual([]);
      expect(await detect(token, `${lines}\n${last}`, "STAR")).toEqual([
        [lines.length + 1, lines.length + 1 + last.length, last],
      ]);
    });

    it("a request whose tenant patterns would read too much is refused with 413, and nothing else waits", async () => {
      const { token } = await newTenant();
      // Ends every leftmost-first match only at the end of the text: n² work without the budget.
      await createRecognizer(token, { name: "quadratic", entity: "QUAD", pattern: "a[^x]*y|a", score: 0.9 });
      const p = await expectProblem(
        await call("/api/v1/pii/detect", { token, body: { text: "a".repeat(500_000) } }),
        413,
      );
      expect(p.type).toMatch(/scan-limit-exceeded$/);
      expect(p.detail).toMatch(/quadratic/);
      // A smaller text passes, with the right (windowed) answer: one finding per 'a'.
      const small = await detectPii(token, { text: "a".repeat(100) + "y", entities: ["QUAD"] });
      expect(small.findings.map((f) => [f.start, f.end])).toEqual([[0, 101]]);
    });
  });

  it("custom findings overlapping each other and built-in ones still resolve to one per span", async () => {
    const { token } = await newTenant();
    await createRecognizer(token, { name: "wide", entity: "WIDE_ID", pattern: "ID-\\d{4}-\\d{4}", score: 0.7 });
    await createRecognizer(token, { name: "narrow", entity: "NARROW_ID", pattern: "\\d{4}-\\d{4}", score: 0.6 });
    await createRecognizer(token, { name: "mail", entity: "MAIL_USER", pattern: "[a-z]+@", score: 0.99 });
    const text = "ref ID-1234-5678 and écrivez à zoë.ünal@example.com 😀";
    const body = await detectPii(token, { text, return_text: true });
    const found = body.findings.map((f) => [f.type, f.text, text.slice(f.start, f.end)]);
    expect(found).toContainEqual(["WIDE_ID", "ID-1234-5678", "ID-1234-5678"]);
    expect(found.some((f) => f[0] === "NARROW_ID")).toBe(false);
    // "ünal@" scores 0.99 and beats the e-mail's overlapping span; offsets are UTF-16 (after 'ë').
    expect(found).toContainEqual(["MAIL_USER", "nal@", "nal@"]);
    for (let i = 1; i < body.findings.length; i++)
      expect(body.findings[i].start).toBeGreaterThanOrEqual(body.findings[i - 1].end);
  });

  it("validates every field", async () => {
    const { token } = await newTenant();
    const p = await expectProblem(
      await call(BASE, {
        token,
        body: {
          name: "Bad Name",
          entity: "lower",
          pattern: "x",
          score: 2,
          context: ["Two Words"],
          flags: "g",
          extra: 1,
        },
      }),
      422,
    );
    expect(p.errors!.map((e) => e.path).sort()).toEqual([
      "$.context[0]",
      "$.entity",
      "$.extra",
      "$.flags",
      "$.name",
      "$.score",
    ]);
    await expectProblem(await call(BASE, { token, body: { ...EMPLOYEE, entity: "DENY_LIST" } }), 422);
    await expectProblem(
      await call(BASE, { token, raw: "{not json", headers: { "Content-Type": "application/json" } }),
      400,
    );
    await expectProblem(await call(BASE, { token, raw: "x", headers: { "Content-Type": "text/plain" } }), 415);
  });

  it("names are unique per tenant (409) but free across tenants", async () => {
    const a = await newTenant();
    const b = await newTenant();
    await createRecognizer(a.token, EMPLOYEE);
    await expectProblem(await call(BASE, { token: a.token, body: EMPLOYEE }), 409);
    await createRecognizer(b.token, EMPLOYEE);
  });

  it("another tenant's recognizer answers 404 like a missing one", async () => {
    const a = await newTenant();
    const b = await newTenant();
    const rec = await createRecognizer(a.token, EMPLOYEE);
    const missing = rec.id.slice(0, -4) + "ZZZZ";
    for (const id of [rec.id, missing]) {
      await expectProblem(await call(`${BASE}/${id}`, { token: b.token }), 404);
      await expectProblem(await call(`${BASE}/${id}`, { token: b.token, method: "PUT", body: EMPLOYEE }), 404);
      await expectProblem(await call(`${BASE}/${id}`, { token: b.token, method: "DELETE" }), 404);
    }
    // B's detection does not use A's recognizer.
    const body = await detectPii(b.token, { text: "badge EMP-123456" });
    expect(body.findings).toEqual([]);
    await expectProblem(await call(`${BASE}/not-an-id`, { token: a.token }), 422);
  });

  it("needs pii:admin to change, pii:detect to read, and a key at all", async () => {
    const reader = await newTenant(["pii:detect"]);
    await expectProblem(await call(BASE, { token: reader.token, body: EMPLOYEE }), 403);
    await listRecognizers(reader.token);
    const none = await newTenant(["datasets:read"]);
    await expectProblem(await call(BASE, { token: none.token }), 403);
    await expectProblem(await call(BASE, { body: EMPLOYEE }), 401);
  });
});
