// PUT /datasets/{id} with If-Match, one dataset per VU so updates never race (seed target p95 60 ms, p99 120 ms).
import { createDataset, seedThresholds } from "../lib/kit.mjs";

export const scenario = {
  name: "datasets-update",
  description: "PUT /datasets/{id} (description change, If-Match from the previous response), a dataset per VU",
  endpoints: ["PUT /datasets/{id}"],
  thresholds: seedThresholds("PUT /datasets/{id}"),
};

export async function setup() {
  return { byVu: new Map() };
}

export async function iteration(api, data, vu, ctx) {
  let mine = data.byVu.get(vu.id);
  if (!mine) data.byVu.set(vu.id, (mine = await createDataset(api, `put-${ctx.runId}-${vu.id}`)));
  const res = await api.put(
    `/api/v1/datasets/${mine.id}`,
    { description: `update ${vu.iter}` },
    { name: "PUT /datasets/{id}", expect: 200, headers: { "If-Match": mine.etag } },
  );
  if (res.status === 200) mine.etag = res.headers.etag;
  // After a failed update, read the current ETag so one failure does not fail every later iteration.
  else mine.etag = (await api.get(`/api/v1/datasets/${mine.id}`)).headers.etag;
}
