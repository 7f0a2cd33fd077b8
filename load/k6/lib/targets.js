// @ts-check
/**
 * The seed's latency targets (performance-requirements.md, table 1.1) and error budget (1.6:
 * error rate < 0.1 %), keyed by the request `name` tag the scripts use. Every script takes its
 * thresholds from here, so a changed target changes every scenario at once.
 */

/** @typedef {{ p50: number, p95: number, p99: number, p999: number }} Latency */

/** @type {Record<string, Latency>} milliseconds */
export const SEED_LATENCY = {
  "GET /datasets/{id}": { p50: 10, p95: 30, p99: 50, p999: 100 },
  "POST /datasets": { p50: 20, p95: 50, p99: 100, p999: 200 },
  "PUT /datasets/{id}": { p50: 25, p95: 60, p99: 120, p999: 250 },
  "DELETE /datasets/{id}": { p50: 30, p95: 70, p99: 150, p999: 300 },
  "GET /records (batch)": { p50: 50, p95: 100, p99: 200, p999: 500 },
  "POST /records": { p50: 15, p95: 40, p99: 80, p999: 150 },
  "POST /anonymize": { p50: 30, p95: 80, p99: 150, p999: 300 },
  "POST /encrypt": { p50: 25, p95: 60, p99: 120, p999: 250 },
  "POST /decrypt": { p50: 20, p95: 50, p99: 100, p999: 200 },
  "GET /search": { p50: 100, p95: 250, p99: 500, p999: 1000 },
  "POST /validate": { p50: 15, p95: 35, p99: 70, p999: 140 },
  "GET /audit/logs": { p50: 80, p95: 200, p99: 400, p999: 800 },
};

/** Share of failed requests the seed allows (1.6: error rate < 0.1 %). */
export const SEED_ERROR_RATE = 0.001;

/** The trend statistics every summary reports: the seed's four percentiles among them. */
export const SUMMARY_TREND_STATS = ["avg", "min", "med", "max", "p(90)", "p(95)", "p(99)", "p(99.9)", "count"];

/**
 * k6 thresholds for requests tagged with each of `names`: the seed's p50/p95/p99/p99.9, its
 * error rate, and at least one request (so an endpoint that was never reached fails).
 * @param {...string} names keys of SEED_LATENCY
 * @returns {Record<string, string[]>}
 */
export function endpointThresholds(...names) {
  /** @type {Record<string, string[]>} */
  const t = {};
  for (const name of names) {
    const target = SEED_LATENCY[name];
    if (!target) throw new Error(`no seed latency target for '${name}'`);
    t[`http_req_duration{name:${name}}`] = [
      `p(50)<${target.p50}`,
      `p(95)<${target.p95}`,
      `p(99)<${target.p99}`,
      `p(99.9)<${target.p999}`,
    ];
    t[`http_req_failed{name:${name}}`] = [`rate<${SEED_ERROR_RATE}`];
    t[`http_reqs{name:${name}}`] = ["count>0"];
  }
  return t;
}
