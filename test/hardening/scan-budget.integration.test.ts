import { describe, expect, it } from "vitest";
import { call, expectProblem, newTenant } from "../helpers/api";
import { createRecognizer, detect } from "../pii/helpers";

describe("the per-request work budget of tenant patterns", () => {
  it("refuses a worst-case request that the earlier 2^26 budget let run for about a second", async () => {
    const { token } = await newTenant();
    await createRecognizer(token, { name: "quadratic", entity: "QUAD", pattern: "a[^x]*y|a", score: 0.9 });
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
    await createRecognizer(token, { name: "employee", entity: "EMPLOYEE_ID", pattern: "\\bEMP-\\d{6}\\b", score: 0.9 });
    const chunk = "The quarterly review covered onboarding and travel policy for the new office. ".repeat(13);
    const text = Array.from({ length: 100 }, (_, i) => `${chunk} EMP-${String(100000 + i)} `).join("");
    expect(text.length).toBeGreaterThan(100_000);
    const body = await detect(token, { text, entities: ["EMPLOYEE_ID"] });
    expect(body.findings).toHaveLength(100);
  });
});
