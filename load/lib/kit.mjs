// What scenarios share: the seed's latency targets (table 1.1), request payloads and setup helpers.
import { expectStatus } from "./client.mjs";

export { EndpointUnavailable, expectStatus } from "./client.mjs";

/**
 * p95/p99 in ms per endpoint, from performance-requirements.md table 1.1 ("normal load, 70%
 * capacity"). The keys are the request `name` tags the scenarios use.
 */
export const SEED_LATENCY = {
  "GET /datasets/{id}": { p50: 10, p95: 30, p99: 50 },
  "POST /datasets": { p50: 20, p95: 50, p99: 100 },
  "PUT /datasets/{id}": { p50: 25, p95: 60, p99: 120 },
  "DELETE /datasets/{id}": { p50: 30, p95: 70, p99: 150 },
  "GET /records (batch)": { p50: 50, p95: 100, p99: 200 },
  "POST /records": { p50: 15, p95: 40, p99: 80 },
  "POST /anonymize": { p50: 30, p95: 80, p99: 150 },
  "POST /encrypt (100 KB)": { p50: 25, p95: 60, p99: 120 },
  "POST /decrypt (100 KB)": { p50: 20, p95: 50, p99: 100 },
  "POST /validate": { p50: 15, p95: 35, p99: 70 },
  "GET /audit/logs": { p50: 80, p95: 200, p99: 400 },
};

/** k6-style thresholds for the named endpoints: their seed p95 and p99, plus failed requests < 1%. */
export function seedThresholds(...names) {
  const t = {};
  for (const name of names) {
    const target = SEED_LATENCY[name];
    if (!target) throw new Error(`no seed latency target for '${name}'`);
    t[`http_req_duration{name:${name}}`] = [`p(95)<${target.p95}`, `p(99)<${target.p99}`];
  }
  t.http_req_failed = ["rate<0.01"];
  return t;
}

/** The seed baseline's dataset body: a small JSON Schema with name and email. */
export function datasetBody(name) {
  return {
    name,
    description: "Load test dataset",
    schema: { type: "object", properties: { name: { type: "string" }, email: { type: "string" } } },
  };
}

/** The seed baseline's record. */
export const RECORD = { name: "John Doe", email: "john@example.com" };

/** A dataset name unique within the run: run id, VU id, iteration. */
export function uniqueName(ctx, vu, prefix = "ds") {
  return `${prefix}-${ctx.runId}-${vu.id}-${vu.iter}`;
}

/** Creates a dataset (not measured); returns { id, etag }. */
export async function createDataset(api, name) {
  const res = expectStatus(await api.post("/api/v1/datasets", datasetBody(name)), 201, "POST /api/v1/datasets");
  return { id: res.json().id, etag: res.headers.etag };
}

/** Runs `fn(i)` for i in [0, n) with at most `concurrency` at a time (setup work, not measured). */
export async function inParallel(n, concurrency, fn) {
  const results = new Array(n);
  let next = 0;
  const worker = async () => {
    while (next < n) {
      const i = next++;
      results[i] = await fn(i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(n, concurrency) }, worker));
  return results;
}

/** `size` random bytes as base64 (the encrypt/decrypt payload). */
export function randomBase64(size) {
  const bytes = new Uint8Array(size);
  crypto.getRandomValues(bytes.subarray(0, Math.min(size, 65536)));
  // getRandomValues takes at most 64 KiB at a time.
  for (let off = 65536; off < size; off += 65536) crypto.getRandomValues(bytes.subarray(off, Math.min(size, off + 65536)));
  return Buffer.from(bytes).toString("base64");
}
