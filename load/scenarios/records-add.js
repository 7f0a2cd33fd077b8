// POST /datasets/{id}/records, a single record per request (seed target p95 40 ms, p99 80 ms).
import { RECORD, createDataset, expectStatus, inParallel, seedThresholds } from "../lib/kit.mjs";

const DATASETS = 10;

export const scenario = {
  name: "records-add",
  description: `POST /records (one small record) spread over ${DATASETS} datasets`,
  endpoints: ["POST /records"],
  thresholds: seedThresholds("POST /records"),
};

export async function setup(api, ctx) {
  const pool = await inParallel(DATASETS, 5, (i) => createDataset(api, `rec-${ctx.runId}-${i}`));
  expectStatus(await api.post(`/api/v1/datasets/${pool[0].id}/records`, { data: RECORD }), 201, "POST /api/v1/datasets/{id}/records");
  return { ids: pool.map((d) => d.id) };
}

export async function iteration(api, data, vu) {
  const id = data.ids[vu.id % data.ids.length];
  await api.post(`/api/v1/datasets/${id}/records`, { data: RECORD }, { name: "POST /records", expect: 201 });
}
