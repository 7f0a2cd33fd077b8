/** The tenant keys an anonymization call may need, fetched (or created) only when first used. */
import { aad } from "../crypto/aes-gcm";
import { tenantSecretBytes, tenantSecretKey } from "../crypto/tenant-secrets";
import type { KeyEnv } from "../crypto/tenant-kek";

export class OperatorKeys {
  private hmacKey?: Promise<CryptoKey>;
  private tokenKey?: Promise<CryptoKey>;
  private salt?: Promise<Uint8Array>;
  private fpe?: Promise<Uint8Array>;

  constructor(
    readonly env: KeyEnv,
    readonly tenantId: string,
  ) {}

  /** HMAC-SHA-256 key for pseudonyms, token ids, surrogate seeds and date-shift offsets. */
  hmac(): Promise<CryptoKey> {
    return (this.hmacKey ??= tenantSecretKey(this.env, this.tenantId, "pii-hmac", { name: "HMAC", hash: "SHA-256" }));
  }

  /** AES-256-GCM key of the token vault and of encrypted fields. */
  vault(): Promise<CryptoKey> {
    return (this.tokenKey ??= tenantSecretKey(this.env, this.tenantId, "pii-token", { name: "AES-GCM", length: 256 }));
  }

  /** Salt of the hash operator. */
  hashSalt(): Promise<Uint8Array> {
    return (this.salt ??= tenantSecretBytes(this.env, this.tenantId, "pii-salt"));
  }

  /** AES-256 key for FF1. */
  fpeKey(): Promise<Uint8Array> {
    return (this.fpe ??= tenantSecretBytes(this.env, this.tenantId, "pii-fpe"));
  }
}

/** HMAC-SHA-256 of labelled parts under the tenant's HMAC key. */
export async function hmacParts(keys: OperatorKeys, ...parts: string[]): Promise<Uint8Array> {
  // The same length-prefixed encoding as associated data ("5:token|5:EMAIL|..."), built once per call.
  return new Uint8Array(await crypto.subtle.sign("HMAC", await keys.hmac(), aad(...parts)));
}
