// @ts-check
/**
 * The seed's baseline (performance-requirements.md 2.2): ramp to 50 VUs in 2 m, 100 VUs for 10 m, down in 2 m.
 * Iteration: the seed baseline's (POST /datasets → GET /datasets/{id} → POST /records, 1 s think time).
 */
import { seedLoadTest } from "./lib/seed-load.js";

const test = seedLoadTest("baseline", ["2m:50", "10m:100", "2m:0"], ["3s:5", "6s:5", "1s:0"], {
  http_req_duration: ["p(95)<100", "p(99)<200"],
  http_req_failed: ["rate<0.01"],
  errors: ["rate<0.01"],
});

export const { options, setup, handleSummary } = test;
export default test.iteration;
