// @ts-check
/** GET /healthz: the reference every endpoint is compared with (no storage, no auth). */
import { check } from "k6";
import { request } from "./lib/api.js";
import { endpointOptions } from "./lib/profiles.js";
import { summaryFor } from "./lib/summary.js";

const NAME = "GET /healthz";
export const options = endpointOptions(null, NAME);

export default async function () {
  const res = await request("GET", "/healthz", { name: NAME });
  check(res, { 200: (r) => r.status === 200 });
}

export const handleSummary = summaryFor("healthz");
