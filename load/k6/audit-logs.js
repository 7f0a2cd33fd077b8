// @ts-check
/** GET /audit/logs?limit=100: a page of the tenant's events, after 100 audited creations in setup. */
import { check } from "k6";
import { request, tenantKey } from "./lib/api.js";
import { endpointOptions } from "./lib/profiles.js";
import { summaryFor } from "./lib/summary.js";
import { datasetPool } from "./lib/workloads.js";

const NAME = "GET /audit/logs";
export const options = endpointOptions(NAME);

export async function setup() {
  const token = await tenantKey();
  await datasetPool(token, 100, "audit", 10);
  return { token };
}

/** @param {{ token: string }} data */
export default async function (data) {
  const res = await request("GET", "/api/v1/audit/logs", { token: data.token, query: "?limit=100", name: NAME });
  check(res, { "a full page": (r) => r.status === 200 && /** @type {unknown[]} */ (r.json("items")).length === 100 });
}

export const handleSummary = summaryFor("audit-logs");
