// @ts-check
/** POST /datasets with the seed's small JSON Schema, a new name every time. */
import { check } from "k6";
import { request, tenantKey, uniqueName } from "./lib/api.js";
import { endpointOptions } from "./lib/profiles.js";
import { summaryFor } from "./lib/summary.js";
import { datasetBody } from "./lib/workloads.js";

const NAME = "POST /datasets";
export const options = endpointOptions(NAME);

export async function setup() {
  return { token: await tenantKey() };
}

/** @param {{ token: string }} data */
export default async function (data) {
  const res = await request("POST", "/api/v1/datasets", {
    token: data.token,
    body: datasetBody(uniqueName("create")),
    name: NAME,
  });
  check(res, { 201: (r) => r.status === 201 });
}

export const handleSummary = summaryFor("datasets-create");
