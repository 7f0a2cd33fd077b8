// POST /api/v1/pii/detect: text and JSON input, options, and every kind of bad request.
import { describe, expect, it } from "vitest";
import { call, expectProblem, newTenant } from "../helpers/api";
import { detect } from "./helpers";

const URL = "/api/v1/pii/detect";

describe("POST /api/v1/pii/detect", () => {
  it("finds PII in text, with offsets and text only on request", async () => {
    const { token } = await newTenant(["pii:detect"]);
    const text = "Contact John Smith at john.smith@example.com, SSN 536-22-8174.";
    const body = await detect(token, { text });
    expect(body.findings.map((f) => f.type)).toEqual(["PERSON", "EMAIL", "US_SSN"]);
    for (const f of body.findings) {
      expect(f.text).toBeUndefined();
      expect(f.score).toBeGreaterThanOrEqual(0.5);
    }
    const withText = await detect(token, { text, return_text: true });
    for (const f of withText.findings) expect(text.slice(f.start, f.end)).toBe(f.text);
  });

  it("scans every string of JSON and reports JSON paths", async () => {
    const { token } = await newTenant();
    const data = { user: { email: "a@b.co", phones: ["(415) 555-2671"] }, "odd key": "ip 10.0.0.1", n: 5 };
    const body = await detect(token, { data, entities: ["EMAIL", "PHONE", "IP_ADDRESS"] });
    expect(body.findings.map((f) => [f.type, f.path])).toEqual([
      ["EMAIL", "$.user.email"],
      ["PHONE", "$.user.phones[0]"],
      ["IP_ADDRESS", '$["odd key"]'],
    ]);
  });

  it("applies min_score, allow and deny", async () => {
    const { token } = await newTenant();
    const body = await detect(token, {
      text: "ops@acme.test, jane@example.com, Project Falcon",
      allow: ["ops@acme.test"],
      deny: ["project falcon"],
      min_score: 0.8,
    });
    expect(body.findings.map((f) => f.type)).toEqual(["EMAIL", "DENY_LIST"]);
  });

  it("rejects bad input with a clear problem", async () => {
    const { token } = await newTenant();
    const cases: [unknown, string][] = [
      [{}, "$.text"],
      [{ text: "a", data: {} }, "$.text"],
      [{ text: 5 }, "$.text"],
      [{ text: "a", min_score: 2 }, "$.min_score"],
      [{ text: "a", entities: ["NOT_A_TYPE"] }, "$.entities[0]"],
      [{ text: "a", entities: ["lower"] }, "$.entities[0]"],
      [{ text: "a", return_text: "yes" }, "$.return_text"],
      [{ text: "a", allow: [""] }, "$.allow[0]"],
      [{ text: "a", surprise: true }, "$.surprise"],
    ];
    for (const [body, path] of cases) {
      const p = await expectProblem(await call(URL, { token, body }), 422);
      expect(p.errors?.map((e) => e.path)).toContain(path);
    }
    await expectProblem(
      await call(URL, { token, raw: '{"text": ', headers: { "Content-Type": "application/json" } }),
      400,
    );
    await expectProblem(await call(URL, { token, raw: "text", headers: { "Content-Type": "text/plain" } }), 415);
    await expectProblem(await call(URL, { token, body: { text: "x".repeat(1024 * 1024 + 10) } }), 413);
  });

  it("needs a key with pii:detect", async () => {
    await expectProblem(await call(URL, { body: { text: "a" } }), 401);
    await expectProblem(
      await call(URL, { token: "ldv.key_01J00000000000000000000000.nope", body: { text: "a" } }),
      401,
    );
    const { token } = await newTenant(["anonymize"]);
    await expectProblem(await call(URL, { token, body: { text: "a" } }), 403);
  });
});
