// applyPiiPolicy directly: each action, and what a rejection may say.
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { deanonymize } from "../../src/shared/anonymize/deanonymize";
import { OperatorKeys } from "../../src/shared/anonymize/keys";
import { ProblemError } from "../../src/shared/errors";
import { applyPiiPolicy, applyPiiPolicyDetailed } from "../../src/shared/anonymize/policy";
import type { PiiPolicy } from "../../src/shared/schema/pii";
import { createTenant } from "../helpers/api";

const RECORD = {
  name: "John Smith",
  ssn: "536-22-8174",
  email: "john@example.com",
  note: "call (415) 555-2671",
  visits: 3,
};

describe("applyPiiPolicy", () => {
  it("returns the record untouched without a policy, or with only allow rules", async () => {
    const t = await createTenant();
    expect(await applyPiiPolicy(env, t.id, null, RECORD)).toBe(RECORD);
    expect(await applyPiiPolicy(env, t.id, { rules: { EMAIL: { action: "allow" } } }, RECORD)).toBe(RECORD);
  });

  it("reject: 422 naming the entity type and path, never the value", async () => {
    const t = await createTenant();
    const err = await applyPiiPolicy(
      env,
      t.id,
      { rules: { US_SSN: { action: "reject" }, EMAIL: { action: "allow" } } },
      RECORD,
    ).catch((e) => e);
    expect(err).toBeInstanceOf(ProblemError);
    const doc = (err as ProblemError).toProblem("req");
    expect(doc.status).toBe(422);
    expect(doc.type).toMatch(/pii-rejected$/);
    expect(doc.errors).toEqual([{ path: "$.ssn", message: "US_SSN detected; the dataset's PII policy rejects it." }]);
    expect(JSON.stringify(doc)).not.toContain("536-22-8174");
    expect(JSON.stringify(doc)).not.toContain("8174");
  });

  it("anonymize: applies the rule's operator; types without a rule are not scanned", async () => {
    const t = await createTenant();
    const policy: PiiPolicy = {
      rules: {
        PERSON: { action: "anonymize", operator: { type: "pseudonymize" } },
        PHONE: { action: "anonymize", operator: { type: "mask", keep: 4 } },
      },
    };
    const { data, items } = await applyPiiPolicyDetailed(env, t.id, policy, RECORD);
    expect(data).toEqual({
      ...RECORD,
      name: expect.stringMatching(/^PERSON_[0-9a-f]{16}$/),
      note: "call (***) ***-2671",
    });
    expect(items.map((i) => [i.type, i.path, i.operator])).toEqual([
      ["PERSON", "$.name", "pseudonymize"],
      ["PHONE", "$.note", "mask"],
    ]);
  });

  it("encrypt: the whole field becomes ciphertext that deanonymize restores, numbers included", async () => {
    const t = await createTenant();
    const policy: PiiPolicy = { rules: { US_SSN: { action: "encrypt" }, EMAIL: { action: "encrypt" } } };
    const out = (await applyPiiPolicy(env, t.id, policy, { ...RECORD, ssn: 536228174 })) as Record<string, unknown>;
    expect(out.ssn).toMatch(/^ENC_v1_/);
    expect(out.email).toMatch(/^ENC_v1_/);
    expect(out.name).toBe("John Smith");
    const back = await deanonymize(env.DB, new OperatorKeys(env, t.id), { data: out });
    expect(back.data).toEqual({ ...RECORD, ssn: 536228174 });
    // Another tenant cannot open it.
    const other = await createTenant();
    const theirs = await deanonymize(env.DB, new OperatorKeys(env, other.id), { data: out });
    expect(theirs.data).toEqual(out);
  });

  it("tokenize through a policy writes the vault", async () => {
    const t = await createTenant();
    const out = (await applyPiiPolicy(
      env,
      t.id,
      { rules: { EMAIL: { action: "anonymize", operator: { type: "tokenize" } } } },
      RECORD,
    )) as Record<string, string>;
    expect(out.email).toMatch(/^TOK_EMAIL_/);
    const back = await deanonymize(env.DB, new OperatorKeys(env, t.id), { data: out });
    expect(back.data).toEqual(RECORD);
  });

  it("honours min_score, allow and deny lists", async () => {
    const t = await createTenant();
    const policy: PiiPolicy = {
      rules: { EMAIL: { action: "reject" }, DENY_LIST: { action: "anonymize", operator: { type: "redact" } } },
      allow: ["john@example.com"],
      deny: ["smith"],
    };
    expect(await applyPiiPolicy(env, t.id, policy, RECORD)).toEqual({ ...RECORD, name: "John " });
  });
});
