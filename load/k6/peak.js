// @ts-check
/**
 * The seed's peak load: ramp to 2000 VUs in 2 m, 5000 VUs for 10 m, down in 2 m.
 * Iteration: the seed baseline's (POST /datasets → GET /datasets/{id} → POST /records, 1 s think time).
 */
import { Rate } from "k6/metrics";
import { tenantKey } from "./lib/api.js";
import { choose, rampingVus } from "./lib/profiles.js";
import { summaryFor } from "./lib/summary.js";
import { endpointThresholds, SUMMARY_TREND_STATS } from "./lib/targets.js";
import { baselineIteration } from "./lib/workloads.js";

const errors = new Rate("errors");

export const options = {
  scenarios: {
    peak: choose({
      seed: rampingVus([
        { duration: "2m", target: 2000 },
        { duration: "10m", target: 5000 },
        { duration: "2m", target: 0 },
      ]),
      local: rampingVus([
        { duration: "2s", target: 20 },
        { duration: "6s", target: 20 },
        { duration: "2s", target: 0 },
      ]),
    }),
  },
  thresholds: {
    http_req_duration: ["p(95)<300", "p(99)<500"],
    http_req_failed: ["rate<0.05"],
    ...endpointThresholds("POST /datasets", "GET /datasets/{id}", "POST /records"),
  },
  summaryTrendStats: SUMMARY_TREND_STATS,
};

export async function setup() {
  return { token: await tenantKey() };
}

/** @param {{ token: string }} data */
export default async function (data) {
  await baselineIteration(data, errors);
}

export const handleSummary = summaryFor("peak");
