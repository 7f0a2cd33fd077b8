// @ts-check
/**
 * The seed's load tests (performance-requirements.md 2.2: baseline, normal, peak, stress, soak)
 * run one iteration (POST /datasets → GET /datasets/{id} → POST /records, 1 s think time) under
 * different ramping-vus stages and thresholds; this builds a script's exports from those two.
 */
import { Rate } from "k6/metrics";
import { tenantKey } from "./api.js";
import { choose, rampingVus } from "./profiles.js";
import { summaryFor } from "./summary.js";
import { endpointThresholds, SUMMARY_TREND_STATS } from "./targets.js";
import { baselineIteration } from "./workloads.js";

/**
 * Stages in k6's `--stage` notation, `duration:target` ("5m:500"), as ramping-vus stages.
 * @param {string[]} stages
 */
function parseStages(stages) {
  return stages.map((s) => {
    const [duration, target] = s.split(":");
    return { duration, target: Number(target) };
  });
}

/**
 * The exports of one seed load test. Call it in the init context (it makes the `errors` Rate).
 * @param {string} name the scenario's name, also the summary's (`<name>-summary.json`)
 * @param {string[]} seed the seed's stages (PROFILE=seed), in k6's `--stage` notation
 * @param {string[]} local stages for PROFILE=local (seconds at a few VUs), the same notation
 * @param {Record<string, string[]>} thresholds the script's own thresholds (k6 syntax); the seed's
 *   per-endpoint thresholds of the three requests are added
 */
export function seedLoadTest(name, seed, local, thresholds) {
  const errors = new Rate("errors");
  return {
    /** @type {import("k6/options").Options} */
    options: {
      scenarios: { [name]: choose({ seed: rampingVus(parseStages(seed)), local: rampingVus(parseStages(local)) }) },
      thresholds: {
        ...thresholds,
        ...endpointThresholds("POST /datasets", "GET /datasets/{id}", "POST /records"),
      },
      summaryTrendStats: SUMMARY_TREND_STATS,
    },
    async setup() {
      return { token: await tenantKey() };
    },
    /** @param {{ token: string }} data */
    async iteration(data) {
      await baselineIteration(data, errors);
    },
    handleSummary: summaryFor(name),
  };
}
