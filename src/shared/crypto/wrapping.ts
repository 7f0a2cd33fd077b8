/**
 * Key wrapping for the envelope hierarchy: master → tenant KEK → dataset DEKs and other
 * tenant keys. Keys are created and unwrapped as non-extractable CryptoKeys; the raw bytes
 * exist only inside WebCrypto.
 */
import { base64Decode, base64Encode } from "../ids";
import { DecryptionError, seal, splitIv } from "./aes-gcm";

export type WrappedAlgorithm =
  { name: "AES-GCM"; length: 256 } | { name: "HMAC"; hash: "SHA-256" | "SHA-512"; length?: number } | { name: "HKDF" };

const AES_256: WrappedAlgorithm = { name: "AES-GCM", length: 256 };

/** The usages a key of each algorithm gets when unwrapped. */
function usagesFor(algorithm: WrappedAlgorithm): string[] {
  switch (algorithm.name) {
    case "AES-GCM":
      return ["encrypt", "decrypt", "wrapKey", "unwrapKey"];
    case "HMAC":
      return ["sign", "verify"];
    case "HKDF":
      return ["deriveKey", "deriveBits"];
  }
}

/**
 * Makes a fresh random key and wraps it under `wrappingKey` bound to `additionalData`.
 * Returns the wrapped form (base64 of iv || wrapped) and the key, non-extractable.
 */
export async function createWrappedKey(
  wrappingKey: CryptoKey,
  additionalData: Uint8Array,
  algorithm: WrappedAlgorithm = AES_256,
): Promise<{ wrapped: string; key: CryptoKey }> {
  const raw = crypto.getRandomValues(new Uint8Array(32));
  const blob = await seal(wrappingKey, raw, additionalData);
  const key = await crypto.subtle.importKey("raw", raw, algorithm, false, usagesFor(algorithm));
  raw.fill(0);
  return { wrapped: base64Encode(blob), key };
}

/** Unwraps a key made by createWrappedKey into a non-extractable CryptoKey. */
export async function unwrapKey(
  wrappingKey: CryptoKey,
  wrapped: string,
  additionalData: Uint8Array,
  algorithm: WrappedAlgorithm = AES_256,
): Promise<CryptoKey> {
  const { iv, ciphertext } = splitIv(base64Decode(wrapped));
  try {
    return await crypto.subtle.unwrapKey(
      "raw",
      ciphertext,
      wrappingKey,
      { name: "AES-GCM", iv, additionalData },
      algorithm,
      false,
      usagesFor(algorithm),
    );
  } catch {
    throw new DecryptionError("A wrapped key could not be unwrapped.");
  }
}

/**
 * Unwraps to raw bytes, for the few algorithms WebCrypto lacks (FF1 format-preserving
 * encryption). Callers keep the bytes in memory only.
 */
export async function unwrapRawKey(
  wrappingKey: CryptoKey,
  wrapped: string,
  additionalData: Uint8Array,
): Promise<Uint8Array> {
  const { iv, ciphertext } = splitIv(base64Decode(wrapped));
  try {
    const raw = await crypto.subtle.decrypt({ name: "AES-GCM", iv, additionalData }, wrappingKey, ciphertext);
    return new Uint8Array(raw);
  } catch {
    throw new DecryptionError("A wrapped key could not be unwrapped.");
  }
}

/** Re-wraps a wrapped key under another wrapping key (master or KEK rotation) without exposing it to callers. */
export async function rewrapKey(
  from: { key: CryptoKey; aad: Uint8Array },
  to: { key: CryptoKey; aad: Uint8Array },
  wrapped: string,
): Promise<string> {
  const raw = await unwrapRawKey(from.key, wrapped, from.aad);
  const blob = await seal(to.key, raw, to.aad);
  raw.fill(0);
  return base64Encode(blob);
}
