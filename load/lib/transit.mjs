// Setup for the encrypt/decrypt scenarios: a transit key and a 100 KB payload, probed once.
import { expectStatus, randomBase64 } from "./kit.mjs";

export const PAYLOAD_BYTES = 100 * 1024;

/**
 * Creates an aes256-gcm transit key (its own per scenario: encrypt and decrypt run in one
 * tenant) and encrypts one 100 KB payload with it. Returns { key, plaintext, ciphertext }.
 */
export async function transitSetup(api, ctx) {
  const key = `load-${ctx.runId}-${Math.random().toString(36).slice(2, 10)}`;
  expectStatus(await api.post("/api/v1/keys", { name: key, type: "aes256-gcm" }), 201, "POST /api/v1/keys");
  const plaintext = randomBase64(PAYLOAD_BYTES);
  const { ciphertext } = expectStatus(await api.post("/api/v1/encrypt", { key, plaintext }), 200, "POST /api/v1/encrypt").json();
  if (typeof ciphertext !== "string") throw new Error("POST /api/v1/encrypt answered without a ciphertext string");
  return { key, plaintext, ciphertext };
}
