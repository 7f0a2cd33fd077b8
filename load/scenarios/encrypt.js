// POST /encrypt of a 100 KB payload with an aes256-gcm transit key (seed target p95 60 ms, p99 120 ms).
import { seedThresholds } from "../lib/kit.mjs";
import { transitSetup } from "../lib/transit.mjs";

export const scenario = {
  name: "encrypt",
  description: "POST /encrypt {key, plaintext: 100 KB as base64}",
  endpoints: ["POST /encrypt (100 KB)"],
  thresholds: seedThresholds("POST /encrypt (100 KB)"),
};

export async function setup(api, ctx) {
  const { key, plaintext } = await transitSetup(api, ctx);
  return { body: JSON.stringify({ key, plaintext }) };
}

export async function iteration(api, data) {
  await api.post("/api/v1/encrypt", data.body, { name: "POST /encrypt (100 KB)", expect: 200 });
}
