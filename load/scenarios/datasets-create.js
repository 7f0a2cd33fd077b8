// POST /datasets with a small JSON Schema (seed target p95 50 ms, p99 100 ms).
import { datasetBody, seedThresholds, uniqueName } from "../lib/kit.mjs";

export const scenario = {
  name: "datasets-create",
  description: "POST /datasets, a new name each iteration",
  endpoints: ["POST /datasets"],
  thresholds: seedThresholds("POST /datasets"),
};

export async function iteration(api, data, vu, ctx) {
  await api.post("/api/v1/datasets", datasetBody(uniqueName(ctx, vu, "create")), { name: "POST /datasets", expect: 201 });
}
