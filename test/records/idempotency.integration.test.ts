import { describe, expect, it } from "vitest";
import { call, createDataset, expectProblem, newTenant, updateDataset } from "../helpers/api";
import { expectJson } from "../helpers/client";
import { auditEvents, datasetCounters, listRecords, recordsApi, recordsPath } from "./helpers";

/** POST one record with the given headers (the Idempotency-Key); fails unless 201. */
async function post(token: string, datasetId: string, data: Record<string, unknown>, headers: Record<string, string>) {
  const res = await recordsApi(token, headers).$post({ param: { id: datasetId }, header: {}, json: { data } });
  return { body: await expectJson(res, 201), res };
}

/** POST a batch with the given headers (the Idempotency-Key); fails unless 201. */
async function postBatchAs(
  token: string,
  datasetId: string,
  json: { records: { data: Record<string, unknown> }[] },
  headers: Record<string, string>,
) {
  const res = await recordsApi(token, headers).batch.$post({ param: { id: datasetId }, header: {}, json });
  return { body: await expectJson(res, 201), res };
}

describe("Idempotency-Key on record POSTs", () => {
  it("a retried single POST returns the original response and writes once", async () => {
    const { token, tenant } = await newTenant();
    const ds = await createDataset(token);
    const headers = { "Idempotency-Key": crypto.randomUUID() };
    const first = await post(token, ds.id, { q: "a", n: 1 }, headers);
    expect(first.res.headers.get("idempotent-replayed")).toBeNull();
    // Same request with keys in another order: the same request after canonicalization.
    const retry = await post(token, ds.id, { n: 1, q: "a" }, headers);
    expect(retry.body).toEqual(first.body);
    expect(retry.res.headers.get("idempotent-replayed")).toBe("true");
    expect((await listRecords(token, ds.id)).items).toHaveLength(1);
    expect(await datasetCounters(ds.id)).toMatchObject({ record_count: 1 });
    const creates = (await auditEvents(tenant.id)).filter((e) => e.action === "record.create");
    expect(creates).toHaveLength(1);
  });

  it("a retried batch returns the original items and writes once; concurrent retries write once too", async () => {
    const { token } = await newTenant();
    const ds = await createDataset(token);
    const headers = { "Idempotency-Key": "batch-" + crypto.randomUUID() };
    const body = { records: Array.from({ length: 50 }, (_, i) => ({ data: { i } })) };
    const results = await Promise.all([1, 2, 3].map(() => postBatchAs(token, ds.id, body, headers)));
    for (const r of results) expect(r.body).toEqual(results[0].body);
    expect(results.filter((r) => r.res.headers.get("idempotent-replayed") === "true")).toHaveLength(2);
    const later = await postBatchAs(token, ds.id, body, headers);
    expect(later.body).toEqual(results[0].body);
    expect(await datasetCounters(ds.id)).toMatchObject({ record_count: 50 });
  });

  it("the same key with a different body is a 422 and writes nothing", async () => {
    const { token } = await newTenant();
    const ds = await createDataset(token);
    const headers = { "Idempotency-Key": "k-" + crypto.randomUUID() };
    await post(token, ds.id, { v: 1 }, headers);
    const problem = await expectProblem(
      await call(recordsPath(ds.id), { token, body: { data: { v: 2 } }, headers }),
      422,
    );
    expect(problem.type).toMatch(/idempotency-key-reused$/);
    // The same key on the batch route is another request too.
    await expectProblem(
      await call(`${recordsPath(ds.id)}/batch`, { token, body: { records: [{ data: { v: 1 } }] }, headers }),
      422,
    );
    expect(await datasetCounters(ds.id)).toMatchObject({ record_count: 1 });
  });

  it("a retry is answered from the stored response even after the schema changed to reject it", async () => {
    const { token } = await newTenant();
    const ds = await createDataset(token);
    const headers = { "Idempotency-Key": crypto.randomUUID() };
    const first = await post(token, ds.id, { v: "text" }, headers);
    await updateDataset(token, ds.id, { schema: { type: "object", properties: { v: { type: "number" } } } });
    const retry = await post(token, ds.id, { v: "text" }, headers);
    expect(retry.body).toEqual(first.body);
    // Without the key, the same write is now rejected.
    await expectProblem(await call(recordsPath(ds.id), { token, body: { data: { v: "text" } } }), 422);
  });

  it("keys are per dataset, a failed request is not remembered, and bad keys are refused", async () => {
    const { token } = await newTenant();
    const ds1 = await createDataset(token, { schema: { type: "object", required: ["ok"] } });
    const ds2 = await createDataset(token);
    const headers = { "Idempotency-Key": "shared-key" };
    await expectProblem(await call(recordsPath(ds1.id), { token, body: { data: { nope: 1 } }, headers }), 422);
    const ok = await post(token, ds1.id, { ok: 1 }, headers);
    const other = await post(token, ds2.id, { ok: 1 }, headers);
    expect(other.body.id).not.toBe(ok.body.id);
    expect(other.res.headers.get("idempotent-replayed")).toBeNull();
    const tooLong = await expectProblem(
      await call(recordsPath(ds2.id), { token, body: { data: {} }, headers: { "Idempotency-Key": "x".repeat(256) } }),
      422,
    );
    expect(tooLong.errors?.[0].path).toBe(`$header["idempotency-key"]`);
    await expectProblem(
      await call(recordsPath(ds2.id), { token, body: { data: {} }, headers: { "Idempotency-Key": "has space" } }),
      422,
    );
  });
});
