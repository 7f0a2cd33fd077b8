/** AES-256-GCM with a random 96-bit IV and associated data; the IV travels in front of the ciphertext. */
import { concatBytes } from "@noble/hashes/utils.js";
import { DomainError } from "../errors";

export const IV_BYTES = 12;
const encoder = new TextEncoder();

/** Associated data from labelled parts, e.g. aad("record", tenantId, datasetId, recordId, "3"). */
export function aad(...parts: (string | number)[]): Uint8Array {
  // A length prefix per part keeps ("ab","c") and ("a","bc") apart. Built in one string: every record
  // opened or sealed builds one.
  let s = "";
  for (let i = 0; i < parts.length; i++) {
    const p = String(parts[i]);
    s += i ? `|${p.length}:${p}` : `${p.length}:${p}`;
  }
  return encoder.encode(s);
}

/** Encrypts and returns iv || ciphertext || tag. */
export async function seal(key: CryptoKey, plaintext: Uint8Array, additionalData: Uint8Array): Promise<Uint8Array> {
  const iv = crypto.getRandomValues(new Uint8Array(IV_BYTES));
  const ct = await crypto.subtle.encrypt({ name: "AES-GCM", iv, additionalData }, key, plaintext);
  return concatBytes(iv, new Uint8Array(ct));
}

/** The two parts of iv || ciphertext || tag (views, no copy). */
export function splitIv(sealed: Uint8Array): { iv: Uint8Array; ciphertext: Uint8Array } {
  return { iv: sealed.subarray(0, IV_BYTES), ciphertext: sealed.subarray(IV_BYTES) };
}

/**
 * The error for every failed decryption: it says nothing about why, which would help an attacker.
 * A ciphertext the client sent (400 at the API edge); a stored record's is a RecordIntegrityError.
 */
export class DecryptionError extends DomainError {
  constructor(detail = "The ciphertext could not be decrypted.") {
    super("decryption-failed", detail);
    this.name = "DecryptionError";
  }
}

/** Decrypts iv || ciphertext || tag; any tampering, wrong key or wrong associated data throws DecryptionError. */
export async function open(key: CryptoKey, sealed: Uint8Array, additionalData: Uint8Array): Promise<Uint8Array> {
  if (sealed.byteLength < IV_BYTES + 16) throw new DecryptionError();
  const { iv, ciphertext } = splitIv(sealed);
  try {
    return new Uint8Array(await crypto.subtle.decrypt({ name: "AES-GCM", iv, additionalData }, key, ciphertext));
  } catch {
    throw new DecryptionError();
  }
}
