// @ts-check
/**
 * The seed's mixed workload (performance-requirements.md 2.2, mixed_workload.js): at once,
 * read_heavy (100 VUs: GET /datasets/{id} then GET /records?limit=100, 0.5 s think time),
 * write_heavy (20 VUs: POST /datasets then POST /records, 1 s) and anonymization (50 arrivals/s
 * of POST /anonymize, open model), each for 10 m.
 */
import { check, group, sleep } from "k6";
import { Counter } from "k6/metrics";
import { request, tenantKey, uniqueName } from "./lib/api.js";
import { choose } from "./lib/profiles.js";
import { summaryFor } from "./lib/summary.js";
import { endpointThresholds, SUMMARY_TREND_STATS } from "./lib/targets.js";
import { ANONYMIZE_BODY, datasetBody, datasetWithRecords } from "./lib/workloads.js";

const writes = new Counter("records_written");

const scale = choose({
  seed: { read: 100, write: 20, rate: 50, duration: "10m" },
  local: { read: 5, write: 2, rate: 10, duration: "10s" },
});

export const options = {
  scenarios: {
    read_heavy: { executor: "constant-vus", vus: scale.read, duration: scale.duration, exec: "readWorkload" },
    write_heavy: { executor: "constant-vus", vus: scale.write, duration: scale.duration, exec: "writeWorkload" },
    anonymization: {
      executor: "constant-arrival-rate",
      rate: scale.rate,
      timeUnit: "1s",
      duration: scale.duration,
      preAllocatedVUs: Math.max(2, Math.ceil(scale.rate / 5)),
      maxVUs: scale.rate * 2,
      exec: "anonymizeWorkload",
    },
  },
  thresholds: {
    "http_req_duration{scenario:read_heavy}": ["p(95)<150"],
    "http_req_duration{scenario:write_heavy}": ["p(95)<150"],
    ...endpointThresholds(
      "GET /datasets/{id}",
      "GET /records (batch)",
      "POST /datasets",
      "POST /records",
      "POST /anonymize",
    ),
  },
  summaryTrendStats: SUMMARY_TREND_STATS,
};

/** One dataset with 100 records for the readers. */
export async function setup() {
  const token = await tenantKey();
  const id = await datasetWithRecords(token, "mixed", 100);
  return { token, id };
}

/** @param {{ token: string, id: string }} data */
export async function readWorkload(data) {
  const ds = await request("GET", "/api/v1/datasets/{id}", {
    token: data.token,
    params: { id: data.id },
    name: "GET /datasets/{id}",
  });
  const page = await request("GET", "/api/v1/datasets/{id}/records", {
    token: data.token,
    params: { id: data.id },
    query: "?limit=100",
    name: "GET /records (batch)",
  });
  group("read", () => {
    check(ds, { "dataset read": (r) => r.status === 200 });
    check(page, {
      "100 records read": (r) => r.status === 200 && /** @type {unknown[]} */ (r.json("items")).length === 100,
    });
  });
  await sleep(0.5);
}

/** @param {{ token: string }} data */
export async function writeWorkload(data) {
  const created = await request("POST", "/api/v1/datasets", {
    token: data.token,
    body: datasetBody(uniqueName("mixed")),
    name: "POST /datasets",
  });
  if (created.status === 201) {
    const id = /** @type {string} */ (created.json("id"));
    const added = await request("POST", "/api/v1/datasets/{id}/records", {
      token: data.token,
      params: { id },
      body: { data: { field: "value" } },
      name: "POST /records",
    });
    if (added.status === 201) writes.add(1);
    group("write", () => check(added, { "record added": (r) => r.status === 201 }));
  }
  group("write", () => check(created, { "dataset created": (r) => r.status === 201 }));
  await sleep(1);
}

/** @param {{ token: string }} data */
export async function anonymizeWorkload(data) {
  const res = await request("POST", "/api/v1/anonymize", {
    token: data.token,
    body: ANONYMIZE_BODY,
    name: "POST /anonymize",
  });
  group("anonymize", () => check(res, { anonymized: (r) => r.status === 200 }));
  await sleep(0.1);
}

export const handleSummary = summaryFor("mixed");
