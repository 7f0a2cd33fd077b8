/**
 * The master key set, from the MASTER_KEYS Worker secret: comma-separated `version:base64`
 * entries of 32-byte keys, e.g. `1:q83v...,2:Zm9v...`. The highest version wraps new
 * tenant KEKs; older versions still unwrap until every KEK has been re-wrapped.
 */
import { base64Decode } from "../ids";

export interface MasterKeySet {
  current: number;
  keys: Map<number, CryptoKey>;
}

let cached: { source: string; set: Promise<MasterKeySet> } | undefined;

export class MasterKeyConfigError extends Error {
  constructor(message: string) {
    super(`MASTER_KEYS is misconfigured: ${message}`);
    this.name = "MasterKeyConfigError";
  }
}

/** Parses and imports the master key set once per isolate. The error never echoes key material. */
export function masterKeys(secret: string | undefined): Promise<MasterKeySet> {
  if (!secret) return Promise.reject(new MasterKeyConfigError("the secret is not set"));
  if (cached?.source === secret) return cached.set;
  const set = importMasterKeys(secret);
  cached = { source: secret, set };
  return set;
}

async function importMasterKeys(secret: string): Promise<MasterKeySet> {
  const keys = new Map<number, CryptoKey>();
  for (const [i, entry] of secret.split(",").entries()) {
    const match = /^\s*(\d+):([A-Za-z0-9+/=_-]+)\s*$/.exec(entry);
    if (!match) throw new MasterKeyConfigError(`entry ${i + 1} is not version:base64`);
    const version = Number(match[1]);
    let raw: Uint8Array;
    try {
      raw = base64Decode(match[2].replace(/-/g, "+").replace(/_/g, "/"));
    } catch {
      throw new MasterKeyConfigError(`entry ${i + 1} is not valid base64`);
    }
    if (raw.byteLength !== 32) throw new MasterKeyConfigError(`version ${version} is not 32 bytes`);
    if (keys.has(version)) throw new MasterKeyConfigError(`version ${version} appears twice`);
    // unwrapKey: tenant KEKs are unwrapped straight into non-extractable keys (wrapping.ts).
    keys.set(
      version,
      await crypto.subtle.importKey("raw", raw, { name: "AES-GCM" }, false, [
        "encrypt",
        "decrypt",
        "wrapKey",
        "unwrapKey",
      ]),
    );
    raw.fill(0);
  }
  if (keys.size === 0) throw new MasterKeyConfigError("no keys");
  return { current: Math.max(...keys.keys()), keys };
}
