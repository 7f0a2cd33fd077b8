// @ts-check
/** GET /datasets/{id} over a pool of datasets made in setup (seed: "cached metadata"). */
import { check } from "k6";
import { request, tenantKey } from "./lib/api.js";
import { endpointOptions } from "./lib/profiles.js";
import { summaryFor } from "./lib/summary.js";
import { datasetPool } from "./lib/workloads.js";

const NAME = "GET /datasets/{id}";
export const options = endpointOptions(NAME);

export async function setup() {
  const token = await tenantKey();
  return { token, ids: await datasetPool(token, 20, "get") };
}

/** @param {{ token: string, ids: string[] }} data */
export default async function (data) {
  const id = data.ids[(__VU * 7 + __ITER) % data.ids.length];
  const res = await request("GET", "/api/v1/datasets/{id}", { token: data.token, params: { id }, name: NAME });
  check(res, { "200 with the dataset": (r) => r.status === 200 && r.json("id") === id });
}

export const handleSummary = summaryFor("datasets-get");
