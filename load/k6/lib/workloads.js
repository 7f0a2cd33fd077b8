// @ts-check
/**
 * Request bodies and steps the scripts share: the seed's dataset and record (section 2.2), a
 * dataset pool for read scenarios, and the seed's read / write / anonymize workloads.
 */
import { check, sleep } from "k6";
import { expectStatus, request, uniqueName } from "./api.js";

/** The seed baseline's dataset: a small JSON Schema with name and email. @param {string} name */
export function datasetBody(name) {
  return {
    name,
    description: "Load test dataset",
    schema: { type: "object", properties: { name: { type: "string" }, email: { type: "string" } } },
  };
}

/** The seed baseline's record. */
export const RECORD = { name: "John Doe", email: "john@example.com" };

/** The seed's anonymize body. */
export const ANONYMIZE_BODY = { data: { name: "John Doe", ssn: "123-45-6789", email: "john@example.com" } };

/**
 * Creates a dataset (not measured: tagged with its path); returns its id and ETag.
 * @param {string} token
 * @param {string} name
 */
export async function createDataset(token, name) {
  const res = expectStatus(
    await request("POST", "/api/v1/datasets", { token, body: datasetBody(name) }),
    201,
    "create dataset",
  );
  return { id: /** @type {string} */ (res.json("id")), etag: /** @type {string} */ (res.headers["Etag"]) };
}

/**
 * Creates a dataset holding `n` (≤ 1000) seed records named "John Doe 0" … (one POST /records/batch, not measured);
 * returns its id.
 * @param {string} token
 * @param {string} prefix of the dataset's name
 * @param {number} n
 */
export async function datasetWithRecords(token, prefix, n) {
  const { id } = await createDataset(token, `${prefix}-${Date.now().toString(36)}`);
  const records = Array.from({ length: n }, (_, i) => ({ data: { ...RECORD, name: `John Doe ${i}` } }));
  expectStatus(
    await request("POST", "/api/v1/datasets/{id}/records/batch", { token, params: { id }, body: { records } }),
    201,
    "add records",
  );
  return id;
}

/**
 * Creates `n` datasets, `parallel` at a time; returns their ids.
 * @param {string} token
 * @param {number} n
 * @param {string} prefix
 */
export async function datasetPool(token, n, prefix, parallel = 5) {
  /** @type {string[]} */
  const ids = [];
  for (let i = 0; i < n; i += parallel) {
    const batch = [];
    for (let j = i; j < Math.min(n, i + parallel); j++)
      batch.push(createDataset(token, `${prefix}-${Date.now().toString(36)}-${j}`));
    for (const d of await Promise.all(batch)) ids.push(d.id);
  }
  return ids;
}

/**
 * Creates an aes256-gcm transit key for the run (not measured: tagged with its path); returns its name.
 * @param {string} token
 */
export async function createTransitKey(token) {
  const key = `load-${Date.now().toString(36)}`;
  expectStatus(
    await request("POST", "/api/v1/keys", { token, body: { name: key, type: "aes256-gcm" } }),
    201,
    "create transit key",
  );
  return key;
}

/**
 * `bytes` random bytes as base64, without k6/crypto (so the runner need not implement it).
 * @param {number} bytes
 */
export function randomBase64(bytes) {
  const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  const full = Math.floor(bytes / 3);
  const parts = [];
  for (let i = 0; i < full * 4; i++) parts.push(alphabet[Math.floor(Math.random() * 64)]);
  // The last group's unused low bits must be zero for a canonical encoding.
  if (bytes % 3 === 1)
    parts.push(alphabet[Math.floor(Math.random() * 64)], "AQgw"[Math.floor(Math.random() * 4)], "==");
  if (bytes % 3 === 2)
    parts.push(
      alphabet[Math.floor(Math.random() * 64)],
      alphabet[Math.floor(Math.random() * 64)],
      "AEIMQUYcgkosw048"[Math.floor(Math.random() * 16)],
      "=",
    );
  return parts.join("");
}

/**
 * The seed baseline's iteration: create a dataset, read it, add a record, think for 1 s.
 * @param {{ token: string }} data
 * @param {import("k6/metrics").Rate} errors
 */
export async function baselineIteration(data, errors) {
  const created = await request("POST", "/api/v1/datasets", {
    token: data.token,
    body: datasetBody(uniqueName("baseline")),
    name: "POST /datasets",
  });
  if (!check(created, { "dataset created": (r) => r.status === 201 })) {
    errors.add(1);
    return;
  }
  errors.add(0);
  const id = /** @type {string} */ (created.json("id"));
  const got = await request("GET", "/api/v1/datasets/{id}", {
    token: data.token,
    params: { id },
    name: "GET /datasets/{id}",
  });
  errors.add(!check(got, { "dataset retrieved": (r) => r.status === 200 }));
  const added = await request("POST", "/api/v1/datasets/{id}/records", {
    token: data.token,
    params: { id },
    body: { data: RECORD },
    name: "POST /records",
  });
  errors.add(!check(added, { "record added": (r) => r.status === 201 }));
  await sleep(1);
}
