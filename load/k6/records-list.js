// @ts-check
/** GET /datasets/{id}/records?limit=1000: the seed's "batch" read, on a dataset of 1000 records. */
import { check } from "k6";
import { request, tenantKey } from "./lib/api.js";
import { endpointOptions } from "./lib/profiles.js";
import { summaryFor } from "./lib/summary.js";
import { datasetWithRecords } from "./lib/workloads.js";

const NAME = "GET /records (batch)";
const RECORDS = 1000;
export const options = endpointOptions(NAME);

export async function setup() {
  const token = await tenantKey();
  const id = await datasetWithRecords(token, "batch", RECORDS);
  return { token, id };
}

/** @param {{ token: string, id: string }} data */
export default async function (data) {
  const res = await request("GET", "/api/v1/datasets/{id}/records", {
    token: data.token,
    params: { id: data.id },
    query: `?limit=${RECORDS}`,
    name: NAME,
  });
  check(res, {
    "200 with 1000 records": (r) => r.status === 200 && /** @type {unknown[]} */ (r.json("items")).length === RECORDS,
  });
}

export const handleSummary = summaryFor("records-list");
