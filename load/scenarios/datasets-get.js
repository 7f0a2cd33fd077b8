// GET /datasets/{id} on a pool of existing datasets (seed target p95 30 ms, p99 50 ms).
import { createDataset, inParallel, seedThresholds } from "../lib/kit.mjs";

export const scenario = {
  name: "datasets-get",
  description: "GET /datasets/{id} over 50 datasets created in setup",
  endpoints: ["GET /datasets/{id}"],
  thresholds: seedThresholds("GET /datasets/{id}"),
};

export async function setup(api, ctx) {
  const pool = await inParallel(50, 5, (i) => createDataset(api, `get-${ctx.runId}-${i}`));
  return { ids: pool.map((d) => d.id) };
}

export async function iteration(api, data, vu) {
  const id = data.ids[(vu.id * 7 + vu.iter) % data.ids.length];
  await api.get(`/api/v1/datasets/${id}`, { name: "GET /datasets/{id}", expect: 200 });
}
