// @ts-check
/** POST /anonymize with the seed's record (name, SSN, email). */
import { check } from "k6";
import { request, tenantKey } from "./lib/api.js";
import { endpointOptions } from "./lib/profiles.js";
import { summaryFor } from "./lib/summary.js";
import { ANONYMIZE_BODY } from "./lib/workloads.js";

const NAME = "POST /anonymize";
export const options = endpointOptions(NAME);

export async function setup() {
  return { token: await tenantKey() };
}

/** @param {{ token: string }} data */
export default async function (data) {
  const res = await request("POST", "/api/v1/anonymize", { token: data.token, body: ANONYMIZE_BODY, name: NAME });
  check(res, { "SSN replaced": (r) => r.status === 200 && r.json("data.ssn") === "<US_SSN>" });
}

export const handleSummary = summaryFor("anonymize");
