// @ts-check
/** POST /encrypt of a 100 KB payload with an aes256-gcm transit key made in setup. */
import { check } from "k6";
import { request, tenantKey } from "./lib/api.js";
import { endpointOptions } from "./lib/profiles.js";
import { summaryFor } from "./lib/summary.js";
import { createTransitKey, randomBase64 } from "./lib/workloads.js";

const NAME = "POST /encrypt";
export const options = endpointOptions(NAME);

export async function setup() {
  const token = await tenantKey();
  const key = await createTransitKey(token);
  return { token, body: JSON.stringify({ key, plaintext: randomBase64(100 * 1024) }) };
}

/** @param {{ token: string, body: string }} data */
export default async function (data) {
  const res = await request("POST", "/api/v1/encrypt", { token: data.token, body: data.body, name: NAME });
  check(res, {
    "200 with a ciphertext": (r) => r.status === 200 && String(r.json("ciphertext")).startsWith("ldv:v1:"),
  });
}

export const handleSummary = summaryFor("encrypt");
