// @ts-check
/**
 * The seed's baseline (performance-requirements.md 2.2): ramp to 50 VUs in 2 m, 100 VUs for 10 m, down in 2 m.
 * Iteration: the seed baseline's (POST /datasets → GET /datasets/{id} → POST /records, 1 s think time).
 */
import { seedLoadTest } from "./lib/seed-load.js";

const seed = [
  { duration: "2m", target: 50 },
  { duration: "10m", target: 100 },
  { duration: "2m", target: 0 },
];
const local = [
  { duration: "3s", target: 5 },
  { duration: "6s", target: 5 },
  { duration: "1s", target: 0 },
];
const test = seedLoadTest(
  "baseline",
  { seed, local },
  { http_req_duration: ["p(95)<100", "p(99)<200"], http_req_failed: ["rate<0.01"], errors: ["rate<0.01"] },
);

export const options = test.options;
export const setup = test.setup;
export default test.iteration;
export const handleSummary = test.handleSummary;
