// @ts-check
/**
 * The seed's normal load: ramp to 500 VUs in 5 m, 1000 VUs for 30 m, down in 5 m.
 * Iteration: the seed baseline's (POST /datasets → GET /datasets/{id} → POST /records, 1 s think time).
 */
import { seedLoadTest } from "./lib/seed-load.js";

const test = seedLoadTest("normal", ["5m:500", "30m:1000", "5m:0"], ["3s:10", "6s:10", "1s:0"], {
  http_req_duration: ["p(95)<150", "p(99)<300"],
  http_req_failed: ["rate<0.01"],
});

export const { options, setup, handleSummary } = test;
export default test.iteration;
