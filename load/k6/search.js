// @ts-check
/**
 * GET /search: full-text search (blind index) in one dataset of 1000 records, 20 matches a page,
 * over a rotation of single words, a phrase, OR and NOT queries.
 */
import { check } from "k6";
import { expectStatus, request, tenantKey } from "./lib/api.js";
import { endpointOptions } from "./lib/profiles.js";
import { summaryFor } from "./lib/summary.js";
import { datasetBody, RECORD } from "./lib/workloads.js";

const NAME = "GET /search";
const RECORDS = 1000;
const TOPICS = 20;
export const options = endpointOptions(NAME);

/** Each query matches some of the records below (every topic word is in RECORDS / TOPICS of them). */
const QUERIES = ["refund", "topic7", '"credit card"', "topic3 OR topic11", "refund -topic5", "invoice AND topic12"];

export async function setup() {
  const token = await tenantKey();
  const created = expectStatus(
    await request("POST", "/api/v1/datasets", {
      token,
      body: { ...datasetBody(`search-${Date.now().toString(36)}`), search: { enabled: true, paths: ["$"] } },
    }),
    201,
    "create a searchable dataset",
  );
  const id = /** @type {string} */ (created.json("id"));
  const records = Array.from({ length: RECORDS }, (_, i) => ({
    data: {
      ...RECORD,
      name: `John Doe ${i}`,
      note: `${i % 2 ? "refund for the credit card" : "invoice paid"} topic${i % TOPICS}`,
    },
  }));
  expectStatus(
    await request("POST", "/api/v1/datasets/{id}/records/batch", { token, params: { id }, body: { records } }),
    201,
    "add records",
  );
  return { token, id };
}

/** @param {{ token: string, id: string }} data */
export default async function (data) {
  const q = QUERIES[(__VU + __ITER) % QUERIES.length];
  const res = await request("GET", "/api/v1/search", {
    token: data.token,
    query: `?q=${encodeURIComponent(q)}&dataset_id=${data.id}&limit=20`,
    name: NAME,
  });
  check(res, {
    "200 with matches": (r) => r.status === 200 && /** @type {unknown[]} */ (r.json("items")).length > 0,
  });
}

export const handleSummary = summaryFor("search");
