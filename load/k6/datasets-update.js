// @ts-check
/** PUT /datasets/{id} with If-Match, one dataset per VU so that updates never race. */
import { check } from "k6";
import { request, tenantKey, uniqueName } from "./lib/api.js";
import { endpointOptions } from "./lib/profiles.js";
import { summaryFor } from "./lib/summary.js";
import { createDataset } from "./lib/workloads.js";

const NAME = "PUT /datasets/{id}";
export const options = endpointOptions(NAME);

/** This VU's dataset (module state is per VU, in k6 and on the runner). @type {{ id: string, etag: string } | null} */
let mine = null;

export async function setup() {
  return { token: await tenantKey() };
}

/** @param {{ token: string }} data */
export default async function (data) {
  mine ??= await createDataset(data.token, uniqueName("put"));
  const res = await request("PUT", "/api/v1/datasets/{id}", {
    token: data.token,
    params: { id: mine.id },
    headers: { "If-Match": mine.etag },
    body: { description: `update ${__ITER}` },
    name: NAME,
  });
  if (check(res, { 200: (r) => r.status === 200 })) mine.etag = /** @type {string} */ (res.headers["Etag"]);
  else mine = null;
}

export const handleSummary = summaryFor("datasets-update");
