// Pseudonym width through POST /anonymize: a pseudonym is `TYPE_` and 16 lower-case hex characters of an HMAC
// (64 bits) unless `length` says more, the same value gives the same pseudonym in every request, a longer
// pseudonym starts with the shorter one (so pseudonyms of the earlier 8-character default are prefixes of today's),
// and a `length` under 64 bits is refused with 422.
import { describe, expect, it } from "vitest";
import { call, expectProblem, newTenant } from "../helpers/api";
import { anonymize } from "./helpers";

const pseudonymOf = async (token: string, email: string, length?: number) => {
  const body = await anonymize(token, {
    data: { email },
    operators: { EMAIL: { type: "pseudonymize", ...(length ? { length } : {}) } },
  });
  return (body.data as { email: string }).email;
};

describe("pseudonym width", () => {
  it("is 64 bits by default, deterministic, and a longer pseudonym extends the shorter one", async () => {
    const { token } = await newTenant();
    const p = await pseudonymOf(token, "alice@example.com");
    expect(p).toMatch(/^EMAIL_[0-9a-f]{16}$/);
    expect(await pseudonymOf(token, "alice@example.com")).toBe(p);
    expect(await pseudonymOf(token, "bob@example.com")).not.toBe(p);
    const full = await pseudonymOf(token, "alice@example.com", 64);
    expect(full).toMatch(/^EMAIL_[0-9a-f]{64}$/);
    expect(full.startsWith(p)).toBe(true);
    expect(await pseudonymOf(token, "alice@example.com", 24)).toBe(full.slice(0, "EMAIL_".length + 24));
    // Another tenant's key gives another pseudonym.
    const other = await newTenant();
    expect(await pseudonymOf(other.token, "alice@example.com")).not.toBe(p);
  });

  it("refuses a length under 16 or over 64 hex characters with 422", async () => {
    const { token } = await newTenant();
    for (const length of [8, 15, 65]) {
      const problem = await expectProblem(
        await call("/api/v1/anonymize", {
          token,
          body: { data: { email: "alice@example.com" }, operators: { EMAIL: { type: "pseudonymize", length } } },
        }),
        422,
      );
      expect(JSON.stringify(problem.errors)).toContain("$.operators.EMAIL.length");
    }
  });
});
