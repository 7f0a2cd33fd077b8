// DELETE /datasets/{id} (soft delete) of a dataset created just before, unmeasured (seed target p95 70 ms, p99 150 ms).
import { createDataset, seedThresholds, uniqueName } from "../lib/kit.mjs";

export const scenario = {
  name: "datasets-delete",
  description: "POST /datasets (not measured) then DELETE /datasets/{id}",
  endpoints: ["DELETE /datasets/{id}"],
  thresholds: seedThresholds("DELETE /datasets/{id}"),
};

export async function iteration(api, data, vu, ctx) {
  const { id } = await createDataset(api, uniqueName(ctx, vu, "delete"));
  await api.del(`/api/v1/datasets/${id}`, { name: "DELETE /datasets/{id}", expect: 204 });
}
