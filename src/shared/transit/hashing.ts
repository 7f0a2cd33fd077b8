/** Keyless hashing (SHA-256, SHA-512, BLAKE3) and keyed HMAC-SHA-256 with versioned transit keys. */
import { blake3 } from "@noble/hashes/blake3.js";
import { badRequest, validationFailed } from "../errors";
import { hex } from "../ids";
import { fromBase64, toBase64 } from "./base64";
import { formatEnvelope, parseEnvelope } from "./envelope";
import type { KeyPolicy } from "./key-policy";

const encoder = new TextEncoder();

export type HashAlgorithm = "sha256" | "sha512" | "blake3";

/** The bytes of `input` in its declared format (base64 or UTF-8). */
export function inputBytes(input: string, format: "base64" | "utf8", path = "$.input"): Uint8Array {
  if (format === "utf8") return encoder.encode(input);
  const bytes = fromBase64(input);
  if (!bytes) throw validationFailed([{ path, message: 'Not valid base64; send format: "utf8" for text.' }]);
  return bytes;
}

/** Digest of `bytes`; SHA-2 through WebCrypto, BLAKE3 through @noble/hashes. */
export async function digest(algorithm: HashAlgorithm, bytes: Uint8Array): Promise<Uint8Array> {
  if (algorithm === "blake3") return blake3(bytes);
  return new Uint8Array(await crypto.subtle.digest(algorithm === "sha256" ? "SHA-256" : "SHA-512", bytes));
}

/** A digest as lowercase hex or standard base64. */
export const encodeDigest = (bytes: Uint8Array, format: "hex" | "base64") =>
  format === "hex" ? hex(bytes) : toBase64(bytes);

/** HMAC-SHA-256 of `bytes` as `ldv:v<version>:<base64>`. */
export async function hmac(
  key: KeyPolicy,
  bytes: Uint8Array,
  requestedVersion?: number,
): Promise<{ hmac: string; key_version: number }> {
  key.assertHmacKey();
  const version = await key.encryptionVersion(requestedVersion, "$.key_version");
  const mac = await crypto.subtle.sign("HMAC", await key.versionKey(version), bytes);
  return { hmac: formatEnvelope(version, new Uint8Array(mac)), key_version: version };
}

/**
 * Verifies an `ldv:v<version>:` HMAC in constant time (crypto.subtle.timingSafeEqual over
 * equal-length MACs). A version below min_decryption_version is refused (400), as Vault does.
 */
export async function verifyHmac(key: KeyPolicy, bytes: Uint8Array, given: string): Promise<boolean> {
  key.assertHmacKey();
  const parsed = parseEnvelope(given);
  if (!parsed)
    throw badRequest("The hmac is not a valid ldv:v<version>:<base64> value.", [
      { path: "$.hmac", message: "Malformed." },
    ]);
  if (!(await key.hasVersion(parsed.version))) return false;
  if (parsed.version < key.meta.minDecryptionVersion) {
    throw badRequest("The hmac's key version is below the key's min_decryption_version.", [
      { path: "$.hmac", message: "Version not allowed." },
    ]);
  }
  const expected = new Uint8Array(await crypto.subtle.sign("HMAC", await key.versionKey(parsed.version), bytes));
  // The MAC length is public (32 bytes); only the content comparison must not leak timing.
  if (parsed.bytes.byteLength !== expected.byteLength) return false;
  return crypto.subtle.timingSafeEqual(parsed.bytes, expected);
}
