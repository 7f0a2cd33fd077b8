/**
 * Search keys and blind tokens. A dataset's search key of version N is derived with
 * HKDF-SHA-256 from the material of its DEK version N (info binds tenant, dataset and
 * version; a fixed salt names the purpose), so:
 *   - crypto-shredding the DEKs shreds the search keys: an index left anywhere can no
 *     longer be linked to any word;
 *   - rotating the DEK gives a new search key, applied by rebuilding the index;
 *   - nothing new is stored, wrapped or migrated in D1.
 * HKDF is the standard way to get independent keys for other purposes from one secret
 * (RFC 5869 §3.3); the DEK itself stays an AES-GCM key and the HMAC key never meets AES.
 *
 * Tokens are HMAC-SHA-256(search key, folded word) truncated to 64 bits, written as 16
 * hex digits. Collisions among a dataset's distinct words are negligible below ~10^8
 * words (birthday bound 2^32); one would only add a false match, never hide a record.
 * The HMAC runs synchronously (@noble/hashes) so the index can be written inside the
 * record's SQLite transaction; the derived key bytes live only in the object's memory.
 */
import { hmac } from "@noble/hashes/hmac.js";
import { sha256 } from "@noble/hashes/sha2.js";
import { bytesToHex } from "@noble/hashes/utils.js";
import { aad } from "../crypto/aes-gcm";
import type { KeyEnv } from "../crypto/tenant-kek";
import { tenantKek } from "../crypto/tenant-kek";
import { unwrapKey } from "../crypto/wrapping";
import { datasetKeyRow, dekAad } from "../crypto/dataset-keys";
import type { DatasetRef } from "../records/wire";

const encoder = new TextEncoder();
const SALT = encoder.encode("llm-data-vault/search-key/v1");
/** Bytes of the HMAC kept per token. */
export const BLIND_TOKEN_BYTES = 8;

/** Derives the raw search key of a DEK version (32 bytes, kept in memory by the caller). */
export async function deriveSearchKey(
  env: KeyEnv & { DB: D1Database },
  ref: DatasetRef,
  version: number,
): Promise<Uint8Array> {
  const row = await datasetKeyRow(env.DB, ref.tenantId, ref.datasetId, version);
  const kek = await tenantKek(env, row.tenantId, row.kekVersion);
  const ikm = await unwrapKey(kek.key, row.wrapped, dekAad(row.tenantId, row.datasetId, row.version), { name: "HKDF" });
  const bits = await crypto.subtle.deriveBits(
    { name: "HKDF", hash: "SHA-256", salt: SALT, info: aad("search-key", ref.tenantId, ref.datasetId, version) },
    ikm,
    256,
  );
  return new Uint8Array(bits);
}

/** Words remembered per key (in memory only; about 100 bytes each). */
const MEMO_WORDS = 50_000;

/**
 * Turns folded words into blind tokens under one search key. `prepare` computes many
 * tokens at once with WebCrypto (in workerd several times faster than HMAC in JS) before a
 * transaction; `blind` then answers synchronously from memory inside it, and computes a
 * word it was not prepared for with @noble/hashes (same HMAC, so the same token).
 */
export class Blinder {
  private readonly base: ReturnType<typeof hmac.create>;
  private readonly memo = new Map<string, string>();

  private constructor(
    raw: Uint8Array,
    private readonly key: CryptoKey,
  ) {
    this.base = hmac.create(sha256, raw);
  }

  static async create(raw: Uint8Array): Promise<Blinder> {
    const key = await crypto.subtle.importKey("raw", raw, { name: "HMAC", hash: "SHA-256" }, false, ["sign"]);
    return new Blinder(raw, key);
  }

  /** Computes the tokens of `words` not yet known, all at once. */
  async prepare(words: Iterable<string>): Promise<void> {
    const missing = new Set<string>();
    for (const w of words) if (!this.memo.has(w)) missing.add(w);
    if (!missing.size) return;
    if (this.memo.size + missing.size > MEMO_WORDS) this.memo.clear();
    await Promise.all(
      [...missing].map(async (w) => {
        const mac = new Uint8Array(await crypto.subtle.sign("HMAC", this.key, encoder.encode(w)));
        this.memo.set(w, bytesToHex(mac.subarray(0, BLIND_TOKEN_BYTES)));
      }),
    );
  }

  /** The blind token of one folded word (16 hex digits). */
  blind(word: string): string {
    const hit = this.memo.get(word);
    if (hit) return hit;
    const token = bytesToHex(this.base.clone().update(encoder.encode(word)).digest().subarray(0, BLIND_TOKEN_BYTES));
    if (this.memo.size < MEMO_WORDS) this.memo.set(word, token);
    return token;
  }
}
