// @ts-check
/**
 * Load profiles, chosen with -e PROFILE=…: `seed` (the default: the seed's stages, minutes to
 * hours), `local` (seconds, for a laptop or `npm run load`), and for one-endpoint scripts `c1` /
 * `c10` (1 or 10 requests at a time, closed loop, DURATION long: how part 3 of issue 15 compares
 * each endpoint with /healthz).
 */
import { endpointThresholds, SEED_ERROR_RATE, SUMMARY_TREND_STATS } from "./targets.js";

export const PROFILE = __ENV.PROFILE || "seed";

/**
 * The entry of `profiles` for PROFILE; an unknown profile stops the script at init.
 * @template T
 * @param {Record<string, T>} profiles
 * @returns {T}
 */
export function choose(profiles) {
  const p = profiles[PROFILE];
  if (p === undefined)
    throw new Error(`PROFILE=${PROFILE} is not one of this script's profiles: ${Object.keys(profiles).join(", ")}`);
  return p;
}

/**
 * Options of a script that measures one endpoint: open-model arrivals (constant-arrival-rate) at
 * RATE per second for `seed` (default 50/s for 10 m) and `local` (default 20/s for 10 s), or
 * closed-loop c1 / c10 for DURATION (default 10 s). Thresholds: the seed's for `name` (none for
 * an endpoint outside the seed's table, e.g. /healthz, beyond the error rate).
 * @param {string | null} name the request tag measured, a SEED_LATENCY key
 * @param {string} [tag] the tag when `name` is null
 * @returns {import("k6/options").Options}
 */
export function endpointOptions(name, tag) {
  const duration = __ENV.DURATION;
  const rate = __ENV.RATE ? Number(__ENV.RATE) : undefined;
  /** @type {Record<string, Record<string, import("k6/options").Scenario>>} */
  const profiles = {
    seed: {
      arrivals: {
        executor: "constant-arrival-rate",
        rate: rate ?? 50,
        timeUnit: "1s",
        duration: duration || "10m",
        preAllocatedVUs: 50,
        maxVUs: 200,
      },
    },
    local: {
      arrivals: {
        executor: "constant-arrival-rate",
        rate: rate ?? 20,
        timeUnit: "1s",
        duration: duration || "10s",
        preAllocatedVUs: 10,
        maxVUs: 50,
      },
    },
    c1: { closed: { executor: "constant-vus", vus: 1, duration: duration || "10s" } },
    c10: { closed: { executor: "constant-vus", vus: 10, duration: duration || "10s" } },
  };
  const scenarios = choose(profiles);
  const thresholds = name
    ? endpointThresholds(name)
    : {
        // An empty list still makes k6 report the submetric.
        [`http_req_duration{name:${tag}}`]: [],
        [`http_req_failed{name:${tag}}`]: [`rate<${SEED_ERROR_RATE}`],
        [`http_reqs{name:${tag}}`]: ["count>0"],
      };
  return { scenarios, thresholds, summaryTrendStats: SUMMARY_TREND_STATS };
}

/**
 * A ramping-vus scenario running the default function through `stages`.
 * @param {{ duration: string, target: number }[]} stages
 * @returns {import("k6/options").Scenario}
 */
export function rampingVus(stages) {
  return { executor: "ramping-vus", startVUs: 0, stages, gracefulRampDown: "10s" };
}
