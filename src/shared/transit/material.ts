/**
 * Transit key material: each version is 32 random bytes wrapped by the tenant KEK with
 * associated data binding tenant, key name and version, unwrapped only into
 * non-extractable CryptoKeys, and (for derived keys) expanded per context with HKDF.
 */
import { concatBytes } from "@noble/hashes/utils.js";
import { aad } from "../crypto/aes-gcm";
import { tenantKek, type KeyEnv } from "../crypto/tenant-kek";
import { createWrappedKey, unwrapKey, type WrappedAlgorithm } from "../crypto/wrapping";

export type TransitKeyType = "aes256-gcm" | "hmac-sha256";

/** What a version key is imported as: AES-GCM directly, HKDF for derived keys, HMAC for signing keys. */
export function algorithmFor(type: TransitKeyType, derived: boolean): WrappedAlgorithm {
  if (type === "hmac-sha256") return { name: "HMAC", hash: "SHA-256" };
  return derived ? { name: "HKDF" } : { name: "AES-GCM", length: 256 };
}

/** A wrapped version moved to another tenant, key or version slot fails to unwrap. */
export const versionAad = (tenantId: string, name: string, version: number) =>
  aad("transit-key", tenantId, name, version);

/** Fresh random material for a version, wrapped by the tenant's current KEK. */
export async function newVersionMaterial(
  env: KeyEnv,
  tenantId: string,
  name: string,
  version: number,
  algorithm: WrappedAlgorithm,
) {
  const kek = await tenantKek(env, tenantId);
  const { wrapped, key } = await createWrappedKey(kek.key, versionAad(tenantId, name, version), algorithm);
  return { kekVersion: kek.version, wrapped, key };
}

/** Unwraps one stored version into a non-extractable CryptoKey. */
export async function unwrapVersion(
  env: KeyEnv,
  row: { tenantId: string; name: string; version: number; kekVersion: number; wrapped: string },
  algorithm: WrappedAlgorithm,
): Promise<CryptoKey> {
  const kek = await tenantKek(env, row.tenantId, row.kekVersion);
  return unwrapKey(kek.key, row.wrapped, versionAad(row.tenantId, row.name, row.version), algorithm);
}

/** The keys one (version, context) encrypts with: AES-GCM, plus the HMAC key that makes convergent IVs. */
export interface ItemKeys {
  aes: CryptoKey;
  /** Present for convergent keys only. */
  iv?: CryptoKey;
}

const HKDF_SALT = new TextEncoder().encode("llm-data-vault/transit/v1");

function info(purpose: "enc" | "iv", context: Uint8Array): Uint8Array {
  return concatBytes(aad("transit-derive", purpose, context.byteLength), context);
}

/**
 * Per-context keys from a derived version key (HKDF-SHA-256). The encryption key and the
 * convergent IV key come from distinct `info` labels, so neither reveals the other.
 */
export async function deriveItemKeys(
  versionKey: CryptoKey,
  context: Uint8Array,
  convergent: boolean,
): Promise<ItemKeys> {
  const hkdf = (purpose: "enc" | "iv") => ({
    name: "HKDF",
    hash: "SHA-256",
    salt: HKDF_SALT,
    info: info(purpose, context),
  });
  const aes = await crypto.subtle.deriveKey(hkdf("enc"), versionKey, { name: "AES-GCM", length: 256 }, false, [
    "encrypt",
    "decrypt",
  ]);
  if (!convergent) return { aes };
  const iv = await crypto.subtle.deriveKey(
    hkdf("iv"),
    versionKey,
    { name: "HMAC", hash: "SHA-256", length: 256 },
    false,
    ["sign"],
  );
  return { aes, iv };
}
