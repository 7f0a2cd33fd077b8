// The seed's baseline (performance-requirements.md 2.2): create a dataset, read it, add a record.
import { RECORD, datasetBody, expectStatus, EndpointUnavailable, createDataset, uniqueName } from "../lib/kit.mjs";

export const scenario = {
  name: "baseline",
  description: "seed baseline: POST /datasets -> GET /datasets/{id} -> POST /records, 1 s think time",
  endpoints: ["POST /datasets", "GET /datasets/{id}", "POST /records"],
  // The seed's thresholds, over every request of the iteration.
  thresholds: {
    http_req_duration: ["p(95)<100", "p(99)<200"],
    http_req_failed: ["rate<0.01"],
  },
  profiles: { quick: { vus: 20, thinkTime: "1s" } },
};

export async function setup(api, ctx) {
  // The records endpoint may not be built yet: then the iteration leaves that step out and says so.
  const probe = await createDataset(api, `probe-${ctx.runId}`);
  let records = true;
  try {
    expectStatus(await api.post(`/api/v1/datasets/${probe.id}/records`, { data: RECORD }), 201, "POST /api/v1/datasets/{id}/records");
  } catch (err) {
    if (!(err instanceof EndpointUnavailable)) throw err;
    records = false;
    ctx.note(`POST /records skipped: endpoint not available (${err.message}); iterations are create + get only`);
  }
  return { records };
}

export async function iteration(api, data, vu, ctx) {
  const created = await api.post("/api/v1/datasets", datasetBody(uniqueName(ctx, vu, "baseline")), { name: "POST /datasets", expect: 201 });
  if (created.status !== 201) return;
  const id = created.json().id;
  await api.get(`/api/v1/datasets/${id}`, { name: "GET /datasets/{id}", expect: 200 });
  if (data.records) await api.post(`/api/v1/datasets/${id}/records`, { data: RECORD }, { name: "POST /records", expect: 201 });
}
