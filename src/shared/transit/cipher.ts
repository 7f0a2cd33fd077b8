/**
 * Sealing and opening one transit payload with AES-256-GCM. The associated data binds
 * tenant, key name, key version, payload format and the caller's associated_data, so a
 * ciphertext moved to another key, version or tenant, or relabelled, fails to open.
 *
 * Convergent keys make the IV deterministic: IV = HMAC-SHA-256(iv key, aad || plaintext)
 * truncated to 96 bits (a synthetic IV, as Vault's convergent mode and SIV do). Equal
 * plaintexts under the same key version, context and associated data then give equal
 * ciphertexts — that equality is exactly what leaks. Different plaintexts give different
 * IVs (up to HMAC collisions at ~2^48 messages per context), so GCM never reuses an IV
 * for different inputs.
 */
import { concatBytes } from "@noble/hashes/utils.js";
import { aad, DecryptionError, IV_BYTES } from "../crypto/aes-gcm";
import { FORMAT, formatEnvelope, type PayloadFormat } from "./envelope";
import type { ItemKeys } from "./material";

export interface KeyRef {
  tenantId: string;
  name: string;
  version: number;
}

/** GCM associated data: a self-delimiting label, then the caller's associated data. */
export function payloadAad(ref: KeyRef, format: PayloadFormat, associatedData: Uint8Array | undefined): Uint8Array {
  const label = aad("ldv-transit", ref.tenantId, ref.name, ref.version, format, associatedData?.byteLength ?? 0);
  return associatedData?.byteLength ? concatBytes(label, associatedData) : label;
}

async function convergentIv(ivKey: CryptoKey, additionalData: Uint8Array, plaintext: Uint8Array): Promise<Uint8Array> {
  const mac = await crypto.subtle.sign("HMAC", ivKey, concatBytes(additionalData, plaintext));
  return new Uint8Array(mac, 0, IV_BYTES);
}

/** Encrypts a payload and returns its `ldv:v<version>:` envelope. */
export async function sealPayload(
  ref: KeyRef,
  keys: ItemKeys,
  format: PayloadFormat,
  plaintext: Uint8Array,
  associatedData?: Uint8Array,
): Promise<string> {
  const additionalData = payloadAad(ref, format, associatedData);
  const iv = keys.iv
    ? await convergentIv(keys.iv, additionalData, plaintext)
    : crypto.getRandomValues(new Uint8Array(IV_BYTES));
  const ct = await crypto.subtle.encrypt({ name: "AES-GCM", iv, additionalData }, keys.aes, plaintext);
  return formatEnvelope(ref.version, concatBytes(Uint8Array.of(FORMAT[format]), iv, new Uint8Array(ct)));
}

/** Decrypts a parsed envelope; a wrong key, context, associated data or any tampering is one DecryptionError. */
export async function openPayload(
  ref: KeyRef,
  keys: ItemKeys,
  parsed: { format: PayloadFormat; iv: Uint8Array; sealed: Uint8Array },
  associatedData?: Uint8Array,
): Promise<Uint8Array> {
  try {
    const pt = await crypto.subtle.decrypt(
      { name: "AES-GCM", iv: parsed.iv, additionalData: payloadAad(ref, parsed.format, associatedData) },
      keys.aes,
      parsed.sealed,
    );
    return new Uint8Array(pt);
  } catch {
    throw new DecryptionError();
  }
}
