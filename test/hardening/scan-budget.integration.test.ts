import { describe, expect, it } from "vitest";
import { call, callJson, expectProblem, newTenant } from "../helpers/api";

const BASE = "/api/v1/pii/recognizers";

describe("the per-request work budget of tenant patterns", () => {
  it("refuses a worst-case request that the earlier 2^26 budget let run for about a second", async () => {
    const { token } = await newTenant();
    await callJson(BASE, { token, body: { name: "quadratic", entity: "QUAD", pattern: "a[^x]*y|a", score: 0.9 } }, 201);
    // ~2,000 units of work per character on this pattern: 20,000 a's are ~40 M units.
    const p = await expectProblem(
      await call("/api/v1/pii/detect", { token, body: { text: "a".repeat(20_000), entities: ["QUAD"] } }),
      413,
    );
    expect(p.type).toMatch(/scan-limit-exceeded$/);
    expect((await call("/healthz")).status).toBe(200);
  });

  it("keeps ordinary use working: a sparse pattern over 100 KB of text", async () => {
    const { token } = await newTenant();
    await callJson(
      BASE,
      { token, body: { name: "employee", entity: "EMPLOYEE_ID", pattern: "\\bEMP-\\d{6}\\b", score: 0.9 } },
      201,
    );
    const chunk = "The quarterly review covered onboarding and travel policy for the new office. ".repeat(13);
    const text = Array.from({ length: 100 }, (_, i) => `${chunk} EMP-${String(100000 + i)} `).join("");
    expect(text.length).toBeGreaterThan(100_000);
    const { body } = await callJson("/api/v1/pii/detect", { token, body: { text, entities: ["EMPLOYEE_ID"] } }, 200);
    expect(body.findings).toHaveLength(100);
  });
});
