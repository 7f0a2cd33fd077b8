// @ts-check
/**
 * The seed's normal load: ramp to 500 VUs in 5 m, 1000 VUs for 30 m, down in 5 m.
 * Iteration: the seed baseline's (POST /datasets → GET /datasets/{id} → POST /records, 1 s think time).
 */
import { seedLoadTest } from "./lib/seed-load.js";

const seed = [
  { duration: "5m", target: 500 },
  { duration: "30m", target: 1000 },
  { duration: "5m", target: 0 },
];
const local = [
  { duration: "3s", target: 10 },
  { duration: "6s", target: 10 },
  { duration: "1s", target: 0 },
];
const test = seedLoadTest(
  "normal",
  { seed, local },
  { http_req_duration: ["p(95)<150", "p(99)<300"], http_req_failed: ["rate<0.01"] },
);

export const options = test.options;
export const setup = test.setup;
export default test.iteration;
export const handleSummary = test.handleSummary;
