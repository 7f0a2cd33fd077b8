// @ts-check
/** POST /datasets/{id}/records: one small record per request, over 10 datasets. */
import { check } from "k6";
import { request, tenantKey } from "./lib/api.js";
import { endpointOptions } from "./lib/profiles.js";
import { summaryFor } from "./lib/summary.js";
import { datasetPool, RECORD } from "./lib/workloads.js";

const NAME = "POST /records";
export const options = endpointOptions(NAME);

export async function setup() {
  const token = await tenantKey();
  return { token, ids: await datasetPool(token, 10, "rec") };
}

/** @param {{ token: string, ids: string[] }} data */
export default async function (data) {
  const id = data.ids[(__VU + __ITER) % data.ids.length];
  const res = await request("POST", "/api/v1/datasets/{id}/records", {
    token: data.token,
    params: { id },
    body: { data: RECORD },
    name: NAME,
  });
  check(res, { 201: (r) => r.status === 201 });
}

export const handleSummary = summaryFor("records-add");
