// @ts-check
/**
 * The seed's normal load: ramp to 500 VUs in 5 m, 1000 VUs for 30 m, down in 5 m.
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
    normal: choose({
      seed: rampingVus([
        { duration: "5m", target: 500 },
        { duration: "30m", target: 1000 },
        { duration: "5m", target: 0 },
      ]),
      local: rampingVus([
        { duration: "3s", target: 10 },
        { duration: "6s", target: 10 },
        { duration: "1s", target: 0 },
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

export const handleSummary = summaryFor("normal");
