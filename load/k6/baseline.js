// @ts-check
/**
 * The seed's baseline (performance-requirements.md 2.2): ramp to 50 VUs in 2 m, 100 VUs for 10 m, down in 2 m.
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
    baseline: choose({
      seed: rampingVus([
        { duration: "2m", target: 50 },
        { duration: "10m", target: 100 },
        { duration: "2m", target: 0 },
      ]),
      local: rampingVus([
        { duration: "3s", target: 5 },
        { duration: "6s", target: 5 },
        { duration: "1s", target: 0 },
      ]),
    }),
  },
  thresholds: {
    http_req_duration: ["p(95)<100", "p(99)<200"],
    http_req_failed: ["rate<0.01"],
    errors: ["rate<0.01"],
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

export const handleSummary = summaryFor("baseline");
