// @ts-check
/** POST /decrypt of the ciphertext of a 100 KB payload, checked once in setup to round-trip. */
import { check } from "k6";
import { expectStatus, request, tenantKey } from "./lib/api.js";
import { endpointOptions } from "./lib/profiles.js";
import { summaryFor } from "./lib/summary.js";
import { createTransitKey, randomBase64 } from "./lib/workloads.js";

const NAME = "POST /decrypt";
export const options = endpointOptions(NAME);

export async function setup() {
  const token = await tenantKey();
  const key = await createTransitKey(token);
  const plaintext = randomBase64(100 * 1024);
  const enc = expectStatus(
    await request("POST", "/api/v1/encrypt", { token, body: { key, plaintext } }),
    200,
    "encrypt",
  );
  const body = JSON.stringify({ key, ciphertext: enc.json("ciphertext") });
  const dec = expectStatus(await request("POST", "/api/v1/decrypt", { token, body }), 200, "decrypt");
  if (dec.json("plaintext") !== plaintext) throw new Error("decrypt did not give the payload back");
  return { token, body };
}

/** @param {{ token: string, body: string }} data */
export default async function (data) {
  const res = await request("POST", "/api/v1/decrypt", { token: data.token, body: data.body, name: NAME });
  check(res, { 200: (r) => r.status === 200 });
}

export const handleSummary = summaryFor("decrypt");
