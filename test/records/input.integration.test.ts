import { describe, expect, it } from "vitest";
import { call, createDataset, createKey, expectProblem, newTenant } from "../helpers/api";
import { datasetCounters, getRecord, postBatch, postRecord, recordsPath } from "./helpers";

const MISSING_DS = "ds_01JD0Z5W3K8Q4V2M7N6P5R4S3T";
const MISSING_REC = "rec_01JD0Z5W3K8Q4V2M7N6P5R4S3T";
const JSON_HEADERS = { "Content-Type": "application/json" };

describe("records API: bad input", () => {
  it("malformed JSON is a 400 on every body route", async () => {
    const { token } = await newTenant();
    const ds = await createDataset(token);
    const rec = await postRecord(token, ds.id, { a: 1 });
    for (const [method, path] of [
      ["POST", recordsPath(ds.id)],
      ["POST", `${recordsPath(ds.id)}/batch`],
      ["PUT", `${recordsPath(ds.id)}/${rec.id}`],
    ]) {
      const p = await expectProblem(
        await call(path, { method, token, raw: '{"data": {', headers: { ...JSON_HEADERS, "If-Match": "*" } }),
        400,
      );
      expect(p.type).toMatch(/malformed-json$/);
    }
  });

  it("wrong types, unknown fields and non-object data are 422 with the field's path", async () => {
    const { token } = await newTenant();
    const ds = await createDataset(token);
    const cases: [string, unknown, string][] = [
      [recordsPath(ds.id), { data: "text" }, "$.data"],
      [recordsPath(ds.id), { data: [1, 2] }, "$.data"],
      [recordsPath(ds.id), { data: null }, "$.data"],
      [recordsPath(ds.id), {}, "$.data"],
      [recordsPath(ds.id), { data: {}, extra: 1 }, "$.extra"],
      [`${recordsPath(ds.id)}/batch`, { records: {} }, "$.records"],
      [`${recordsPath(ds.id)}/batch`, { records: [] }, "$.records"],
      [`${recordsPath(ds.id)}/batch`, { records: [{ data: {} }, { data: 5 }] }, "$.records[1].data"],
      [`${recordsPath(ds.id)}/batch`, { records: [{ data: {} }, { nope: {} }] }, "$.records[1].data"],
    ];
    for (const [path, body, errorPath] of cases) {
      const p = await expectProblem(await call(path, { token, body }), 422);
      expect(p.errors?.map((e) => e.path)).toContain(errorPath);
    }
    expect(await datasetCounters(ds.id)).toEqual({ record_count: 0, bytes: 0 });
  });

  it("more than 1000 records in a batch is a 422", async () => {
    const { token } = await newTenant();
    const ds = await createDataset(token);
    const p = await expectProblem(
      await call(`${recordsPath(ds.id)}/batch`, {
        token,
        body: { records: Array.from({ length: 1001 }, () => ({ data: {} })) },
      }),
      422,
    );
    expect(p.errors?.[0].path).toBe("$.records");
  });

  it("nesting deeper than 64 levels is a 422 with its path", async () => {
    const { token } = await newTenant();
    const ds = await createDataset(token);
    const deep = "[".repeat(100) + "]".repeat(100);
    const p = await expectProblem(
      await call(recordsPath(ds.id), { token, raw: `{"data":{"d":${deep}}}`, headers: JSON_HEADERS }),
      422,
    );
    expect(p.errors?.[0].path).toMatch(/^\$\.data\.d(\[0\])+$/);
    const infinite = await expectProblem(
      await call(recordsPath(ds.id), { token, raw: '{"data":{"n":-1e400}}', headers: JSON_HEADERS }),
      422,
    );
    expect(infinite.errors).toEqual([
      { path: "$.data.n", message: expect.stringContaining("too large for an IEEE 754 double") },
    ]);
  });

  it("oversized bodies are a 413: single record body, record data, batch body", async () => {
    const { token } = await newTenant();
    const ds = await createDataset(token);
    const rec = await postRecord(token, ds.id, { a: 1 });
    const bodyTooBig = { data: { s: "x".repeat(2 * 1024 * 1024) } };
    const single: Record<string, unknown> = await expectProblem(
      await call(recordsPath(ds.id), { token, body: bodyTooBig }),
      413,
    );
    expect(single.limit_bytes).toBe(2 * 1024 * 1024);
    await expectProblem(
      await call(`${recordsPath(ds.id)}/${rec.id}`, {
        method: "PUT",
        token,
        body: bodyTooBig,
        headers: { "If-Match": "*" },
      }),
      413,
    );
    // Under the body limit but over the 1 MiB record limit once canonical.
    const dataTooBig = await expectProblem(
      await call(recordsPath(ds.id), { token, body: { data: { s: "y".repeat(1024 * 1024) } } }),
      413,
    );
    expect(dataTooBig.errors?.[0].path).toBe("$.data");
    const batch = { records: Array.from({ length: 11 }, (_, i) => ({ data: { i, s: "z".repeat(1000 * 1000) } })) };
    const batchTooBig: Record<string, unknown> = await expectProblem(
      await call(`${recordsPath(ds.id)}/batch`, { token, body: batch }),
      413,
    );
    expect(batchTooBig.limit_bytes).toBe(10 * 1024 * 1024);
    expect(await datasetCounters(ds.id)).toMatchObject({ record_count: 1 });
    // Just under the limits is accepted: a 1 MiB record and a 9.5 MB batch.
    const exact = "w".repeat(1024 * 1024 - '{"s":""}'.length);
    await postRecord(token, ds.id, { s: exact });
    await postBatch(
      token,
      ds.id,
      Array.from({ length: 10 }, (_, i) => ({ i, s: "v".repeat(950 * 1000) })),
    );
    expect(await datasetCounters(ds.id)).toMatchObject({ record_count: 12 });
  });

  it("non-JSON content types are a 415", async () => {
    const { token } = await newTenant();
    const ds = await createDataset(token);
    await expectProblem(
      await call(recordsPath(ds.id), {
        token,
        raw: "data=1",
        headers: { "Content-Type": "application/x-www-form-urlencoded" },
      }),
      415,
    );
  });

  it("unknown and malformed ids, cursors and limits", async () => {
    const { token } = await newTenant();
    const ds = await createDataset(token);
    await expectProblem(await call(recordsPath(MISSING_DS), { token, body: { data: {} } }), 404);
    await expectProblem(
      await call(`${recordsPath(MISSING_DS)}/batch`, { token, body: { records: [{ data: {} }] } }),
      404,
    );
    await expectProblem(await call(recordsPath(MISSING_DS), { token }), 404);
    await expectProblem(await call(`${recordsPath(ds.id)}/${MISSING_REC}`, { token }), 404);
    await expectProblem(
      await call(`${recordsPath(ds.id)}/${MISSING_REC}`, {
        method: "PUT",
        token,
        body: { data: {} },
        headers: { "If-Match": "*" },
      }),
      404,
    );
    await expectProblem(await call(`${recordsPath(ds.id)}/${MISSING_REC}`, { method: "DELETE", token }), 404);
    await expectProblem(await call(`${recordsPath(ds.id)}/not-an-id`, { token }), 422);
    await expectProblem(await call(recordsPath("nope"), { token }), 422);
    await expectProblem(await call(`${recordsPath(ds.id)}?cursor=garbage`, { token }), 400);
    await expectProblem(await call(`${recordsPath(ds.id)}?limit=1001`, { token }), 422);
    await expectProblem(await call(`${recordsPath(ds.id)}?limit=0`, { token }), 422);
    await expectProblem(await call(`/api/v1/datasets/${MISSING_DS}/rotate-key`, { method: "POST", token }), 404);
    await expectProblem(await call(`/api/v1/datasets/${MISSING_DS}/validation-report`, { method: "POST", token }), 404);
    await expectProblem(await call(`/api/v1/datasets/${MISSING_DS}/validation-report`, { token }), 404);
    await expectProblem(await call(`/api/v1/datasets/${MISSING_DS}?purge=true`, { method: "DELETE", token }), 404);
    await expectProblem(await call(`/api/v1/datasets/${ds.id}?purge=yes`, { method: "DELETE", token }), 422);
  });

  it("no credentials is a 401 and a key without the scope is a 403 on every route", async () => {
    const owner = await newTenant();
    const ds = await createDataset(owner.token);
    const rec = await postRecord(owner.token, ds.id, { a: 1 });
    const routes: { method: string; path: string; body?: unknown; scope: string }[] = [
      { method: "POST", path: recordsPath(ds.id), body: { data: {} }, scope: "records:write" },
      {
        method: "POST",
        path: `${recordsPath(ds.id)}/batch`,
        body: { records: [{ data: {} }] },
        scope: "records:write",
      },
      { method: "GET", path: recordsPath(ds.id), scope: "records:read" },
      { method: "GET", path: `${recordsPath(ds.id)}/${rec.id}`, scope: "records:read" },
      { method: "PUT", path: `${recordsPath(ds.id)}/${rec.id}`, body: { data: {} }, scope: "records:write" },
      { method: "DELETE", path: `${recordsPath(ds.id)}/${rec.id}`, scope: "records:write" },
      { method: "POST", path: `/api/v1/datasets/${ds.id}/rotate-key`, scope: "datasets:write" },
      { method: "POST", path: `/api/v1/datasets/${ds.id}/validation-report`, scope: "records:read" },
      { method: "GET", path: `/api/v1/datasets/${ds.id}/validation-report`, scope: "records:read" },
      { method: "DELETE", path: `/api/v1/datasets/${ds.id}?purge=true`, scope: "datasets:write" },
    ];
    // A key with every scope but the one the route needs.
    const all = ["datasets:read", "datasets:write", "records:read", "records:write"];
    for (const r of routes) {
      await expectProblem(await call(r.path, { method: r.method, body: r.body, headers: { "If-Match": "*" } }), 401);
      const key = await createKey(
        owner.tenant.id,
        all.filter((s) => s !== r.scope),
      );
      await expectProblem(
        await call(r.path, { method: r.method, token: key.key, body: r.body, headers: { "If-Match": "*" } }),
        403,
      );
    }
    // Nothing changed.
    const { body } = await getRecord(owner.token, ds.id, rec.id);
    expect(body.version).toBe(1);
  });
});
