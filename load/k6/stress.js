// @ts-check
/**
 * The seed's stress test: 5000, 10000, 15000 then 20000 VUs, 5 m each, until it breaks.
 * Iteration: the seed baseline's (POST /datasets → GET /datasets/{id} → POST /records, 1 s think time).
 */
import { seedLoadTest } from "./lib/seed-load.js";

const seed = [
  { duration: "5m", target: 5000 },
  { duration: "5m", target: 10000 },
  { duration: "5m", target: 15000 },
  { duration: "5m", target: 20000 },
];
const local = [
  { duration: "3s", target: 10 },
  { duration: "3s", target: 20 },
  { duration: "3s", target: 30 },
  { duration: "3s", target: 40 },
];
const test = seedLoadTest("stress", { seed, local }, { http_req_duration: ["p(95)<1000"] });

export const options = test.options;
export const setup = test.setup;
export default test.iteration;
export const handleSummary = test.handleSummary;
