import { describe, expect, it } from "vitest";
import { call, createDataset, expectProblem, newTenant, updateDataset } from "../helpers/api";
import { client, expectJson } from "../helpers/client";
import {
  auditEvents,
  datasetCounters,
  getRecord,
  listRecords,
  postBatch,
  postRecord,
  recordsPath,
  waitForReport,
} from "./helpers";

const SCHEMA = {
  type: "object",
  required: ["prompt", "score"],
  properties: {
    prompt: { type: "string", minLength: 1 },
    score: { type: "number", minimum: 0, maximum: 1 },
    tags: { type: "array", items: { type: "string" } },
  },
  additionalProperties: false,
};

describe("schema validation on write", () => {
  it("a rejected batch lists every error with record index and JSON path, and stores nothing", async () => {
    const { token, tenant } = await newTenant();
    const ds = await createDataset(token, { schema: SCHEMA });
    await postRecord(token, ds.id, { prompt: "first", score: 0.1 });
    const res = await call(`${recordsPath(ds.id)}/batch`, {
      token,
      body: {
        records: [
          { data: { prompt: "fine", score: 0.5 } },
          { data: { prompt: "", score: 2 } },
          { data: { prompt: "fine", score: 0.5, tags: ["ok", 7], extra: true } },
          { data: { score: "high" } },
        ],
      },
    });
    const problem = await expectProblem(res, 422);
    const errors = problem.errors!.map((e) => `${e.index} ${e.path}`).sort();
    expect(errors).toEqual(
      [
        "1 $.records[1].data.prompt",
        "1 $.records[1].data.score",
        "2 $.records[2].data.tags[1]",
        "2 $.records[2].data.extra",
        "3 $.records[3].data",
        "3 $.records[3].data.score",
      ].sort(),
    );
    expect(problem.errors!.every((e) => typeof e.message === "string" && e.message.length > 0)).toBe(true);
    // Nothing of the batch was stored, and the next write takes the next seq without a gap.
    expect(await datasetCounters(ds.id)).toEqual({ record_count: 1, bytes: expect.any(Number) });
    expect((await listRecords(token, ds.id)).items).toHaveLength(1);
    const next = await postRecord(token, ds.id, { prompt: "second", score: 1 });
    expect(next.seq).toBe(2);
    expect((await auditEvents(tenant.id)).filter((e) => e.action === "record.batch_create")).toHaveLength(0);
  });

  it("single writes and replacements are validated too, with paths under $.data", async () => {
    const { token } = await newTenant();
    const ds = await createDataset(token, { schema: SCHEMA });
    const problem = await expectProblem(
      await call(recordsPath(ds.id), { token, body: { data: { prompt: 5, score: 0 } } }),
      422,
    );
    expect(problem.errors).toEqual([{ path: "$.data.prompt", message: expect.stringContaining("string") }]);
    const rec = await postRecord(token, ds.id, { prompt: "ok", score: 0 });
    const put = await expectProblem(
      await call(`${recordsPath(ds.id)}/${rec.id}`, {
        method: "PUT",
        token,
        body: { data: { prompt: "ok" } },
        headers: { "If-Match": "*" },
      }),
      422,
    );
    expect(put.errors?.[0]).toMatchObject({ path: "$.data" });
    const { body } = await getRecord(token, ds.id, rec.id);
    expect(body).toMatchObject({ version: 1, data: { prompt: "ok", score: 0 } });
  });

  it("a batch without schema errors but with one record over the size limit is a 413 naming it; nothing is stored", async () => {
    const { token } = await newTenant();
    const ds = await createDataset(token);
    const big = "x".repeat(1024 * 1024);
    const res = await call(`${recordsPath(ds.id)}/batch`, {
      token,
      body: { records: [{ data: { a: 1 } }, { data: { big } }] },
    });
    const problem = await expectProblem(res, 413);
    expect(problem.errors).toEqual([
      { index: 1, path: "$.records[1].data", message: expect.stringContaining("limit") },
    ]);
    expect(await datasetCounters(ds.id)).toEqual({ record_count: 0, bytes: 0 });
  });
});

describe("POST /api/v1/validate", () => {
  it("validates against a given schema and reports per record without storing", async () => {
    const { token } = await newTenant();
    const request = { schema: SCHEMA, records: [{ prompt: "a", score: 0.2 }, { prompt: "", score: -1 }, [1, 2]] };
    const raw = JSON.stringify(request);
    const body = await expectJson(await client(token).api.v1.validate.$post({ json: request }), 200);
    expect(body.valid).toBe(false);
    expect(body.results[0]).toEqual({ index: 0, valid: true, errors: [] });
    expect(body.results[1].valid).toBe(false);
    expect(body.results[1].errors.map((e) => e.path).sort()).toEqual(["$.prompt", "$.score"]);
    expect(body.results[2].errors).toEqual([{ path: "$", message: expect.stringContaining("object") }]);
    // 1e999 would become Infinity: the body reader refuses the whole request, naming the path.
    const inf = await expectProblem(
      await call("/api/v1/validate", {
        token,
        raw: raw.replace("]]}", '],{"prompt":"b","score":1e999}]}'),
        headers: { "Content-Type": "application/json" },
      }),
      422,
    );
    expect(inf.errors).toEqual([{ path: "$.records[3].score", message: expect.stringContaining("IEEE 754") }]);
  });

  it("validates against a dataset's schema; a dataset without schema accepts any object", async () => {
    const { token } = await newTenant();
    const ds = await createDataset(token, { schema: SCHEMA });
    const free = await createDataset(token);
    const validate = client(token).api.v1.validate;
    const withSchema = await expectJson(
      await validate.$post({ json: { dataset_id: ds.id, records: [{ prompt: "x", score: 0 }, { prompt: "x" }] } }),
      200,
    );
    expect(withSchema.results.map((r) => r.valid)).toEqual([true, false]);
    const without = await expectJson(
      await validate.$post({ json: { dataset_id: free.id, records: [{ anything: [1, { deep: true }] }] } }),
      200,
    );
    expect(without).toEqual({ valid: true, results: [{ index: 0, valid: true, errors: [] }] });
    expect(await datasetCounters(ds.id)).toEqual({ record_count: 0, bytes: 0 });
  });

  it("refuses bad requests: an invalid schema, both or neither source, an unknown dataset, no records, scope", async () => {
    const { token } = await newTenant();
    const bad = await expectProblem(
      await call("/api/v1/validate", { token, body: { schema: { type: "integer", minimum: "zero" }, records: [1] } }),
      422,
    );
    expect(bad.errors?.[0].path).toBe("$.schema.minimum");
    const ds = await createDataset(token);
    await expectProblem(
      await call("/api/v1/validate", { token, body: { schema: {}, dataset_id: ds.id, records: [{}] } }),
      422,
    );
    await expectProblem(await call("/api/v1/validate", { token, body: { records: [{}] } }), 422);
    await expectProblem(await call("/api/v1/validate", { token, body: { schema: {}, records: [] } }), 422);
    await expectProblem(
      await call("/api/v1/validate", {
        token,
        body: { schema: {}, records: Array.from({ length: 1001 }, () => ({})) },
      }),
      422,
    );
    await expectProblem(
      await call("/api/v1/validate", { token, body: { dataset_id: "ds_01JD0Z5W3K8Q4V2M7N6P5R4S3T", records: [{}] } }),
      404,
    );
    await expectProblem(
      await call("/api/v1/validate", { token, raw: "{not json", headers: { "Content-Type": "application/json" } }),
      400,
    );
    await expectProblem(await call("/api/v1/validate", { body: { schema: {}, records: [{}] } }), 401);
    const narrow = await newTenant(["records:write"]);
    await expectProblem(
      await call("/api/v1/validate", { token: narrow.token, body: { schema: {}, records: [{}] } }),
      403,
    );
    const other = await newTenant();
    await expectProblem(
      await call("/api/v1/validate", { token: other.token, body: { dataset_id: ds.id, records: [{}] } }),
      404,
    );
  });
});

describe("schema changes and the validation report", () => {
  it("a new schema applies to new writes; stored records are reported on by a queued job", async () => {
    const { token, tenant } = await newTenant();
    const ds = await createDataset(token);
    await postBatch(token, ds.id, [
      { prompt: "a", score: 0.5 },
      { prompt: "b" },
      { prompt: 3, score: 9 },
      { prompt: "d", score: 1 },
    ]);
    await expectProblem(await call(`/api/v1/datasets/${ds.id}/validation-report`, { token, method: "POST" }), 409);
    await expectProblem(await call(`/api/v1/datasets/${ds.id}/validation-report`, { token }), 404);

    await updateDataset(token, ds.id, { schema: SCHEMA });
    // Stored records stay readable as they are; new writes must match.
    const all = await listRecords(token, ds.id);
    expect(all.items).toHaveLength(4);
    await expectProblem(await call(recordsPath(ds.id), { token, body: { data: { prompt: "x" } } }), 422);

    const validationReport = client(token).api.v1.datasets[":id"]["validation-report"];
    const started = await expectJson(await validationReport.$post({ param: { id: ds.id } }), 202);
    expect(started).toMatchObject({ job_id: expect.stringMatching(/^job_/), status: "queued" });
    const report = await waitForReport(token, ds.id);
    expect(report).toMatchObject({
      job_id: started.job_id,
      status: "complete",
      checked: 4,
      invalid: 2,
      next_cursor: null,
    });
    expect(report.items.map((i) => i.seq)).toEqual([2, 3]);
    expect(report.items[0].errors).toEqual([{ path: "$", message: expect.stringContaining("score") }]);
    expect(report.items[1].errors.map((e) => e.path).sort()).toEqual(["$.prompt", "$.score"]);

    const paged = await expectJson(await validationReport.$get({ param: { id: ds.id }, query: { limit: "1" } }), 200);
    expect(paged.items).toHaveLength(1);
    const rest = await expectJson(
      await validationReport.$get({ param: { id: ds.id }, query: { limit: "1", cursor: paged.next_cursor! } }),
      200,
    );
    expect(rest.items[0].seq).toBe(3);

    // The job finishes (and audits job.finish) in a queue message of its own after the report's last chunk.
    let events = await auditEvents(tenant.id);
    for (let i = 0; i < 100 && !events.some((e) => e.action === "job.finish"); i++) {
      await new Promise((r) => setTimeout(r, 50));
      events = await auditEvents(tenant.id);
    }
    const actions = events.map((e) => e.action);
    expect(events.find((e) => e.action === "job.create")?.details).toMatchObject({ kind: "dataset.validate" });
    expect(actions).toContain("job.finish");
    expect(actions).toContain("dataset.validation_report.read");
  });

  it("reports over more records than one chunk", async () => {
    const { token } = await newTenant();
    const ds = await createDataset(token);
    await postBatch(
      token,
      ds.id,
      Array.from({ length: 1000 }, (_, i) => ({ prompt: `p${i}`, score: i % 100 === 0 ? 5 : 0.5 })),
    );
    await postBatch(
      token,
      ds.id,
      Array.from({ length: 200 }, (_, i) => ({ prompt: `q${i}`, score: 0.5 })),
    );
    await updateDataset(token, ds.id, { schema: SCHEMA });
    await expectJson(
      await client(token).api.v1.datasets[":id"]["validation-report"].$post({ param: { id: ds.id } }),
      202,
    );
    const report = await waitForReport(token, ds.id);
    expect(report).toMatchObject({ checked: 1200, invalid: 10 });
  });
});
