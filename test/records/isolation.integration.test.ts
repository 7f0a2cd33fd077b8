import { describe, expect, it } from "vitest";
import { call, createDataset, expectProblem, newTenant } from "../helpers/api";
import { client, expectJson } from "../helpers/client";
import { datasetCounters, getRecord, postRecord, recordsPath } from "./helpers";

const MISSING_DS = "ds_01JD0Z5W3K8Q4V2M7N6P5R4S3T";
const MISSING_REC = "rec_01JD0Z5W3K8Q4V2M7N6P5R4S3T";

/** Strips what differs between two otherwise identical problems. */
const shape = (p: { type: string; status: number; title: string; detail?: string }) => ({
  type: p.type,
  status: p.status,
  title: p.title,
  detail: p.detail,
});

describe("tenant isolation on every record route", () => {
  it("another tenant's dataset and record ids answer 404 exactly like missing ones, and change nothing", async () => {
    const owner = await newTenant();
    const intruder = await newTenant();
    const ds = await createDataset(owner.token, { schema: { type: "object" } });
    const rec = await postRecord(owner.token, ds.id, { secret: "owner's data" });
    const ownDs = await createDataset(intruder.token);

    const requests = (dsId: string, recId: string) => [
      { method: "POST", path: recordsPath(dsId), body: { data: { x: 1 } } },
      { method: "POST", path: `${recordsPath(dsId)}/batch`, body: { records: [{ data: { x: 1 } }] } },
      { method: "GET", path: recordsPath(dsId) },
      { method: "GET", path: `${recordsPath(dsId)}/${recId}` },
      { method: "PUT", path: `${recordsPath(dsId)}/${recId}`, body: { data: { x: 1 } } },
      { method: "DELETE", path: `${recordsPath(dsId)}/${recId}` },
      { method: "POST", path: `/api/v1/datasets/${dsId}/rotate-key` },
      { method: "POST", path: `/api/v1/datasets/${dsId}/validation-report` },
      { method: "GET", path: `/api/v1/datasets/${dsId}/validation-report` },
      { method: "DELETE", path: `/api/v1/datasets/${dsId}?purge=true` },
      { method: "POST", path: "/api/v1/validate", body: { dataset_id: dsId, records: [{}] } },
    ];
    const foreign = requests(ds.id, rec.id);
    const missing = requests(MISSING_DS, MISSING_REC);
    for (let i = 0; i < foreign.length; i++) {
      const a = foreign[i];
      const b = missing[i];
      const theirs = await expectProblem(
        await call(a.path, { method: a.method, token: intruder.token, body: a.body, headers: { "If-Match": "*" } }),
        404,
      );
      const none = await expectProblem(
        await call(b.path, { method: b.method, token: intruder.token, body: b.body, headers: { "If-Match": "*" } }),
        404,
      );
      expect(shape(theirs), `${a.method} ${a.path}`).toEqual(shape(none));
    }
    // The owner's record id inside the intruder's own dataset is simply not there.
    await expectProblem(await call(`${recordsPath(ownDs.id)}/${rec.id}`, { token: intruder.token }), 404);

    const { body } = await getRecord(owner.token, ds.id, rec.id);
    expect(body).toMatchObject({ version: 1, data: { secret: "owner's data" } });
    expect(await datasetCounters(ds.id)).toMatchObject({ record_count: 1 });
    const meta = await expectJson(await client(owner.token).api.v1.datasets[":id"].$get({ param: { id: ds.id } }), 200);
    expect(meta.record_count).toBe(1);
  });

  it("a record id of one dataset is not found through another dataset of the same tenant", async () => {
    const { token } = await newTenant();
    const a = await createDataset(token);
    const b = await createDataset(token);
    const rec = await postRecord(token, a.id, { v: 1 });
    await expectProblem(await call(`${recordsPath(b.id)}/${rec.id}`, { token }), 404);
    await expectProblem(await call(`${recordsPath(b.id)}/${rec.id}`, { method: "DELETE", token }), 404);
    expect((await call(`${recordsPath(a.id)}/${rec.id}`, { token })).status).toBe(200);
  });
});
