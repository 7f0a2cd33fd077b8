// POST /decrypt of a 100 KB payload's ciphertext (seed target p95 50 ms, p99 100 ms).
import { seedThresholds } from "../lib/kit.mjs";
import { transitSetup } from "../lib/transit.mjs";

export const scenario = {
  name: "decrypt",
  description: "POST /decrypt {key, ciphertext of 100 KB}",
  endpoints: ["POST /decrypt (100 KB)"],
  thresholds: seedThresholds("POST /decrypt (100 KB)"),
};

export async function setup(api, ctx) {
  const { key, plaintext, ciphertext } = await transitSetup(api, ctx);
  const body = JSON.stringify({ key, ciphertext });
  // Check once that the round trip gives the payload back, so the scenario measures real decryptions.
  const res = await api.post("/api/v1/decrypt", body);
  if (res.status !== 200 || res.json().plaintext !== plaintext) throw new Error(`POST /api/v1/decrypt did not return the plaintext: ${res.describe()}`);
  return { body };
}

export async function iteration(api, data) {
  await api.post("/api/v1/decrypt", data.body, { name: "POST /decrypt (100 KB)", expect: 200 });
}
