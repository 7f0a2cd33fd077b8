// @ts-check
/**
 * The seed's soak test: ramp to 500 VUs in 5 m, hold for 24 h, down in 5 m.
 * Iteration: the seed baseline's (POST /datasets → GET /datasets/{id} → POST /records, 1 s think time).
 */
import { seedLoadTest } from "./lib/seed-load.js";

const test = seedLoadTest("soak", ["5m:500", "24h:500", "5m:0"], ["2s:5", "20s:5", "2s:0"], {
  http_req_duration: ["p(95)<150", "p(99)<300"],
  http_req_failed: ["rate<0.01"],
});

export const { options, setup, handleSummary } = test;
export default test.iteration;
