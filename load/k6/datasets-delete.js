// @ts-check
/** DELETE /datasets/{id} (soft delete) of a dataset made just before, unmeasured. */
import { check } from "k6";
import { request, tenantKey, uniqueName } from "./lib/api.js";
import { endpointOptions } from "./lib/profiles.js";
import { summaryFor } from "./lib/summary.js";
import { createDataset } from "./lib/workloads.js";

const NAME = "DELETE /datasets/{id}";
export const options = endpointOptions(NAME);

export async function setup() {
  return { token: await tenantKey() };
}

/** @param {{ token: string }} data */
export default async function (data) {
  const { id } = await createDataset(data.token, uniqueName("delete"));
  const res = await request("DELETE", "/api/v1/datasets/{id}", { token: data.token, params: { id }, name: NAME });
  check(res, { 204: (r) => r.status === 204 });
}

export const handleSummary = summaryFor("datasets-delete");
