// @ts-check
/**
 * The seed's peak load: ramp to 2000 VUs in 2 m, 5000 VUs for 10 m, down in 2 m.
 * Iteration: the seed baseline's (POST /datasets → GET /datasets/{id} → POST /records, 1 s think time).
 */
import { seedLoadTest } from "./lib/seed-load.js";

const seed = [
  { duration: "2m", target: 2000 },
  { duration: "10m", target: 5000 },
  { duration: "2m", target: 0 },
];
const local = [
  { duration: "2s", target: 20 },
  { duration: "6s", target: 20 },
  { duration: "2s", target: 0 },
];
const test = seedLoadTest(
  "peak",
  { seed, local },
  { http_req_duration: ["p(95)<300", "p(99)<500"], http_req_failed: ["rate<0.05"] },
);

export const options = test.options;
export const setup = test.setup;
export default test.iteration;
export const handleSummary = test.handleSummary;
