// @ts-check
/**
 * The seed's soak test: ramp to 500 VUs in 5 m, hold for 24 h, down in 5 m.
 * Iteration: the seed baseline's (POST /datasets → GET /datasets/{id} → POST /records, 1 s think time).
 */
import { seedLoadTest } from "./lib/seed-load.js";

const seed = [
  { duration: "5m", target: 500 },
  { duration: "24h", target: 500 },
  { duration: "5m", target: 0 },
];
const local = [
  { duration: "2s", target: 5 },
  { duration: "20s", target: 5 },
  { duration: "2s", target: 0 },
];
const test = seedLoadTest(
  "soak",
  { seed, local },
  { http_req_duration: ["p(95)<150", "p(99)<300"], http_req_failed: ["rate<0.01"] },
);

export const options = test.options;
export const setup = test.setup;
export default test.iteration;
export const handleSummary = test.handleSummary;
