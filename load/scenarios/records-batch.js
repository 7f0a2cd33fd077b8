// GET /datasets/{id}/records?limit=1000 on a dataset holding 1000 records (seed target p95 100 ms, p99 200 ms).
import { RECORD, createDataset, expectStatus, inParallel, seedThresholds } from "../lib/kit.mjs";

const RECORDS = 1000;

export const scenario = {
  name: "records-batch",
  description: `GET /records?limit=${RECORDS} (a batch of ${RECORDS} records; setup adds them one by one)`,
  endpoints: ["GET /records (batch)"],
  thresholds: seedThresholds("GET /records (batch)"),
  profiles: { quick: { vus: 5, thinkTime: "100ms" } },
};

export async function setup(api, ctx) {
  const ds = await createDataset(api, `batch-${ctx.runId}`);
  const path = `/api/v1/datasets/${ds.id}/records`;
  expectStatus(await api.post(path, { data: RECORD }), 201, "POST /api/v1/datasets/{id}/records");
  expectStatus(await api.get(`${path}?limit=${RECORDS}`), 200, "GET /api/v1/datasets/{id}/records");
  await inParallel(RECORDS - 1, 8, async (i) =>
    expectStatus(await api.post(path, { data: { ...RECORD, name: `John Doe ${i}` } }), 201, "POST /api/v1/datasets/{id}/records"),
  );
  const page = expectStatus(await api.get(`${path}?limit=${RECORDS}`), 200, "GET /api/v1/datasets/{id}/records").json();
  const items = page.items ?? page.records ?? page.data;
  if (Array.isArray(items)) ctx.note(`one page returns ${items.length} records`);
  return { path: `${path}?limit=${RECORDS}` };
}

export async function iteration(api, data) {
  await api.get(data.path, { name: "GET /records (batch)", expect: 200 });
}
