// @ts-check
/**
 * The seed's peak load: ramp to 2000 VUs in 2 m, 5000 VUs for 10 m, down in 2 m.
 * Iteration: the seed baseline's (POST /datasets → GET /datasets/{id} → POST /records, 1 s think time).
 */
import { seedLoadTest } from "./lib/seed-load.js";

const test = seedLoadTest("peak", ["2m:2000", "10m:5000", "2m:0"], ["2s:20", "6s:20", "2s:0"], {
  http_req_duration: ["p(95)<300", "p(99)<500"],
  http_req_failed: ["rate<0.05"],
});

export const { options, setup, handleSummary } = test;
export default test.iteration;
