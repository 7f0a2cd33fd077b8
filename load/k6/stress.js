// @ts-check
/**
 * The seed's stress test: 5000, 10000, 15000 then 20000 VUs, 5 m each, until it breaks.
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
    stress: choose({
      seed: rampingVus([
        { duration: "5m", target: 5000 },
        { duration: "5m", target: 10000 },
        { duration: "5m", target: 15000 },
        { duration: "5m", target: 20000 },
      ]),
      local: rampingVus([
        { duration: "3s", target: 10 },
        { duration: "3s", target: 20 },
        { duration: "3s", target: 30 },
        { duration: "3s", target: 40 },
      ]),
    }),
  },
  thresholds: {
    http_req_duration: ["p(95)<1000"],
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

export const handleSummary = summaryFor("stress");
