// @ts-check
/**
 * The seed's soak test: ramp to 500 VUs in 5 m, hold for 24 h, down in 5 m.
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
    soak: choose({
      seed: rampingVus([
        { duration: "5m", target: 500 },
        { duration: "24h", target: 500 },
        { duration: "5m", target: 0 },
      ]),
      local: rampingVus([
        { duration: "2s", target: 5 },
        { duration: "20s", target: 5 },
        { duration: "2s", target: 0 },
      ]),
    }),
  },
  thresholds: {
    http_req_duration: ["p(95)<150", "p(99)<300"],
    http_req_failed: ["rate<0.01"],
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

export const handleSummary = summaryFor("soak");
