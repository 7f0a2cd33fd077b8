// The dataset PII policy on the real record write path (POST, batch, PUT): each action.
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { call, createDataset, expectProblem, newTenant, updateDataset } from "../helpers/api";
import { datasetCounters, getRecord, postBatch, postRecord, recordsPath, replaceRecord } from "../records/helpers";
import { createRecognizer, deanonymize } from "./helpers";

const read = async (token: string, ds: string, id: string) => (await getRecord(token, ds, id)).body.data;
const tokenRows = async (tenantId: string) =>
  (await env.DB.prepare("SELECT count(*) AS n FROM pii_tokens WHERE tenant_id = ?")
    .bind(tenantId)
    .first<{ n: number }>())!.n;

const RECORD = {
  name: "John Smith",
  ssn: "536-22-8174",
  email: "john@example.com",
  card: "4111 1111 1111 1111",
  prompt: "call (415) 555-2671",
};

describe("dataset PII policy on ingest", () => {
  it("tenant patterns share one scan budget per request: a batch past it is a 413 and stores nothing", async () => {
    const { token } = await newTenant();
    // Each leftmost-first match of this pattern reads to the end of its window: the most costly kind.
    await createRecognizer(token, { name: "quad", entity: "QUAD", pattern: "a[^x]*y|a", score: 0.9 });
    const ds = await createDataset(token, { pii_policy: { rules: { QUAD: { action: "reject" } } } });
    // Each record alone is well within the budget; ten in one request are not.
    const data = { text: "a".repeat(2_500) };
    const p = await expectProblem(
      await call(`${recordsPath(ds.id)}/batch`, {
        token,
        body: { records: Array.from({ length: 10 }, () => ({ data })) },
      }),
      413,
    );
    expect(p.type).toMatch(/scan-limit-exceeded$/);
    expect(await datasetCounters(ds.id)).toEqual({ record_count: 0, bytes: 0 });
    // The same record alone is scanned and rejected by the policy, as it should be.
    const one = await expectProblem(await call(recordsPath(ds.id), { token, body: { data } }), 422);
    expect(one.type).toMatch(/pii-rejected$/);
  });

  it("allow stores values as sent", async () => {
    const { token } = await newTenant();
    const ds = await createDataset(token, {
      pii_policy: { rules: { EMAIL: { action: "allow" }, PERSON: { action: "allow" } } },
    });
    const rec = await postRecord(token, ds.id, RECORD);
    expect(await read(token, ds.id, rec.id)).toEqual(RECORD);
  });

  it("reject refuses the write with the type and path, stores nothing and writes no tokens", async () => {
    const { token, tenant } = await newTenant();
    const ds = await createDataset(token, {
      pii_policy: {
        rules: { US_SSN: { action: "reject" }, EMAIL: { action: "anonymize", operator: { type: "tokenize" } } },
      },
    });
    const p = await expectProblem(await call(recordsPath(ds.id), { token, body: { data: RECORD } }), 422);
    expect(p.type).toMatch(/pii-rejected$/);
    expect(p.errors).toEqual([
      { path: "$.data.ssn", message: "US_SSN detected; the dataset's PII policy rejects it." },
    ]);
    expect(JSON.stringify(p)).not.toContain("536-22-8174");

    const b = await expectProblem(
      await call(`${recordsPath(ds.id)}/batch`, {
        token,
        body: { records: [{ data: { email: "a@example.com" } }, { data: { note: "my ssn is 536-22-8174" } }] },
      }),
      422,
    );
    expect(b.errors).toEqual([
      { path: "$.records[1].data.note", index: 1, message: "US_SSN detected; the dataset's PII policy rejects it." },
    ]);
    expect(await datasetCounters(ds.id)).toEqual({ record_count: 0, bytes: 0 });
    expect(await tokenRows(tenant.id)).toBe(0);
  });

  it("anonymize applies each type's operator before the record is sealed", async () => {
    const { token } = await newTenant();
    const policy = {
      rules: {
        PERSON: { action: "anonymize", operator: { type: "pseudonymize" } },
        CREDIT_CARD: { action: "anonymize", operator: { type: "fpe" } },
        PHONE: { action: "anonymize", operator: { type: "mask", keep: 4 } },
        US_SSN: { action: "anonymize", operator: { type: "replace" } },
        EMAIL: { action: "anonymize", operator: { type: "tokenize" } },
      },
    };
    const ds = await createDataset(token, { pii_policy: policy });
    const [a, b] = await postBatch(token, ds.id, [RECORD, { ...RECORD, name: "Jane Roe" }]);
    const ra = await read(token, ds.id, a.id);
    const rb = await read(token, ds.id, b.id);
    expect(ra.name).toMatch(/^PERSON_[0-9a-f]{16}$/);
    expect(rb.name).not.toBe(ra.name);
    expect(ra.ssn).toBe("<US_SSN>");
    expect(ra.prompt).toBe("call (***) ***-2671");
    expect(ra.card).toMatch(/^4\d{3} \d{4} \d{4} \d{4}$/);
    expect(ra.card).not.toBe(RECORD.card);
    expect(ra.email).toMatch(/^TOK_EMAIL_/);
    expect(rb.email).toBe(ra.email);
    const back = await deanonymize(token, { data: ra, fpe_entities: ["CREDIT_CARD"] });
    // `data` comes back in the shape it was sent (the route declares it as any JSON).
    expect((back.data as typeof RECORD).email).toBe(RECORD.email);
    expect((back.data as typeof RECORD).card).toBe(RECORD.card);
  });

  it("encrypt seals the whole field; deanonymize restores it", async () => {
    const { token } = await newTenant();
    const ds = await createDataset(token, {
      pii_policy: { rules: { US_SSN: { action: "encrypt" }, PHONE: { action: "encrypt" } } },
    });
    const rec = await postRecord(token, ds.id, RECORD);
    const stored = await read(token, ds.id, rec.id);
    expect(stored.ssn).toMatch(/^ENC_v1_[A-Za-z0-9_-]+$/);
    expect(stored.prompt).toMatch(/^ENC_v1_/);
    expect(stored.email).toBe(RECORD.email);
    const back = await deanonymize(token, { data: stored });
    expect(back.data).toEqual(RECORD);
    expect(back.restored.encrypted).toBe(2);
  });

  it("applies to replacements and follows policy updates", async () => {
    const { token } = await newTenant();
    const ds = await createDataset(token);
    const rec = await postRecord(token, ds.id, RECORD);
    expect(await read(token, ds.id, rec.id)).toEqual(RECORD);
    await updateDataset(token, ds.id, { pii_policy: { rules: { EMAIL: { action: "reject" } } } });
    const p = await expectProblem(
      await call(`${recordsPath(ds.id)}/${rec.id}`, {
        token,
        method: "PUT",
        headers: { "If-Match": '"1"' },
        body: { data: RECORD },
      }),
      422,
    );
    expect(p.errors?.[0].path).toBe("$.data.email");
    await replaceRecord(token, ds.id, rec.id, { prompt: "no pii here" }, '"1"');
  });
});
