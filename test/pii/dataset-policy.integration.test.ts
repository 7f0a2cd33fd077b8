// A dataset's PII policy through the datasets API: set on create and PUT, validated, returned.
import { describe, expect, it } from "vitest";
import { call, createDataset, expectProblem, newTenant } from "../helpers/api";
import { client, expectJson } from "../helpers/client";
import { createRecognizer } from "./helpers";
import type { UpdateDataset } from "../../src/shared/schema/datasets";

const POLICY = {
  rules: {
    US_SSN: { action: "reject" },
    EMAIL: { action: "anonymize", operator: { type: "tokenize" } },
    CREDIT_CARD: { action: "encrypt" },
    PERSON: { action: "allow" },
  },
  min_score: 0.6,
};

describe("dataset PII policy", () => {
  it("is set on create, returned, replaced and cleared with PUT", async () => {
    const { token } = await newTenant();
    const ds = await createDataset(token, { pii_policy: POLICY });
    expect((ds as any).pii_policy).toEqual(POLICY);
    const dataset = client(token).api.v1.datasets[":id"];
    const got = await dataset.$get({ param: { id: ds.id } });
    expect((await expectJson(got, 200)).pii_policy).toEqual(POLICY);
    const next: UpdateDataset["pii_policy"] = {
      rules: { PHONE: { action: "anonymize", operator: { type: "mask", keep: 4 } } },
    };
    const put = await dataset.$put({
      param: { id: ds.id },
      header: { "if-match": got.headers.get("etag")! },
      json: { pii_policy: next },
    });
    expect((await expectJson(put, 200)).pii_policy).toEqual(next);
    const cleared = await dataset.$put({
      param: { id: ds.id },
      header: { "if-match": put.headers.get("etag")! },
      json: { pii_policy: null },
    });
    expect((await expectJson(cleared, 200)).pii_policy).toBeNull();
    expect(Object.hasOwn(await createDataset(token), "pii_policy")).toBe(true);
  });

  it("is validated: actions, operators that fit, known entity types", async () => {
    const { token } = await newTenant();
    const bad: [unknown, string][] = [
      [{ rules: { US_SSN: { action: "shred" } } }, "$.pii_policy.rules.US_SSN.action"],
      [{ rules: { PERSON: { action: "anonymize", operator: { type: "fpe" } } } }, "$.pii_policy.rules.PERSON"],
      [{ rules: { NOT_A_TYPE: { action: "reject" } } }, "$.pii_policy.rules.NOT_A_TYPE"],
      [{ rules: {}, min_score: 5 }, "$.pii_policy.min_score"],
      [{ rules: { EMAIL: { action: "anonymize" } } }, "$.pii_policy.rules.EMAIL.operator"],
    ];
    for (const [pii_policy, path] of bad) {
      const p = await expectProblem(
        await call("/api/v1/datasets", { token, body: { name: `ds-${crypto.randomUUID().slice(0, 8)}`, pii_policy } }),
        422,
      );
      expect(p.errors?.map((e) => e.path)).toContain(path);
    }
    // A custom recognizer's entity is a valid rule key.
    await createRecognizer(token, { name: "emp", entity: "EMPLOYEE_ID", pattern: "EMP-\\d{6}", score: 0.8 });
    await createDataset(token, { pii_policy: { rules: { EMPLOYEE_ID: { action: "reject" } } } });
  });
});
