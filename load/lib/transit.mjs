// Setup for the encrypt/decrypt scenarios: a transit key and a 100 KB payload, probed once.
import { expectStatus, randomBase64 } from "./kit.mjs";

export const PAYLOAD_BYTES = 100 * 1024;

/**
 * Creates an aes256-gcm transit key and encrypts one 100 KB payload with it. The key is referred
 * to by name; if encrypt rejects the name (not a missing route), the id from POST /keys is tried.
 * Returns { key, plaintext, ciphertext }.
 */
export async function transitSetup(api, ctx) {
  const name = `load-${ctx.runId}`;
  const created = expectStatus(await api.post("/api/v1/keys", { name, type: "aes256-gcm" }), 201, "POST /api/v1/keys").json();
  const plaintext = randomBase64(PAYLOAD_BYTES);
  let key = name;
  let res = await api.post("/api/v1/encrypt", { key, plaintext });
  if (res.status !== 200 && !isMissingRoute(res) && created.id && created.id !== name) {
    key = created.id;
    res = await api.post("/api/v1/encrypt", { key, plaintext });
    if (res.status === 200) ctx.note("encrypt takes the key id, not its name");
  }
  const { ciphertext } = expectStatus(res, 200, "POST /api/v1/encrypt").json();
  if (typeof ciphertext !== "string") throw new Error("POST /api/v1/encrypt answered without a ciphertext string");
  return { key, plaintext, ciphertext };
}

function isMissingRoute(res) {
  if (res.status === 405) return true;
  if (res.status !== 404) return false;
  try {
    return /^No route for /.test(res.json().detail ?? "");
  } catch {
    return true;
  }
}
