// @ts-check
/**
 * The seed's stress test: 5000, 10000, 15000 then 20000 VUs, 5 m each, until it breaks.
 * Iteration: the seed baseline's (POST /datasets → GET /datasets/{id} → POST /records, 1 s think time).
 */
import { seedLoadTest } from "./lib/seed-load.js";

const test = seedLoadTest(
  "stress",
  ["5m:5000", "5m:10000", "5m:15000", "5m:20000"],
  ["3s:10", "3s:20", "3s:30", "3s:40"],
  { http_req_duration: ["p(95)<1000"] },
);

export const { options, setup, handleSummary } = test;
export default test.iteration;
