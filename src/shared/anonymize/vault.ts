/**
 * The token vault and encrypted fields, the two reversible forms besides FPE.
 *
 * Tokens look like `TOK_EMAIL_7Q2M8X4K9D3F6H1J5N0P`: the type, then 20 Crockford base32
 * characters of an HMAC of the value under the tenant key. The same value gets the same
 * token within a tenant (so joins and counts still work) and another tenant cannot even
 * compute it. The value itself is sealed with AES-256-GCM under the tenant's vault key,
 * bound to tenant and token, in D1 `pii_tokens`.
 *
 * An encrypted field (dataset policy action `encrypt`) becomes the string
 * `ENC_v1_<base64url(iv || ciphertext)>` sealed with the same key, bound to the tenant;
 * it holds the JSON of the original value, so numbers come back as numbers.
 */
import { and, eq, inArray } from "drizzle-orm";
import { aad, DecryptionError, open, seal } from "../crypto/aes-gcm";
import { db, schema } from "../db/client";
import { base64Decode, base64Encode, base64UrlDecode, base64UrlEncode, crockfordBase32 } from "../ids";
import { hmacParts, type OperatorKeys } from "./keys";

const TOKEN_ID_CHARS = 20;
/** A token anywhere in a text. */
export const TOKEN_PATTERN = /\bTOK_([A-Z][A-Z0-9_]*)_([0-9A-HJKMNP-TV-Z]{20})\b/g;
/** An encrypted field anywhere in a text (as a whole string value in data). */
export const ENCRYPTED_PATTERN = /\bENC_v1_([A-Za-z0-9_-]{40,})/g;

const encoder = new TextEncoder();
const decoder = new TextDecoder();

const tokenAad = (tenantId: string, token: string) => aad("pii-token", tenantId, token);
const fieldAad = (tenantId: string) => aad("pii-field", tenantId);

type TokenRow = typeof schema.piiTokens.$inferInsert;

/** Collects new tokens during one call and writes them in a few statements at the end. */
export class TokenVault {
  private pending = new Map<string, TokenRow>();

  constructor(private keys: OperatorKeys) {}

  /** The token for a value; its vault row is written by flush(). */
  async tokenize(type: string, value: string): Promise<string> {
    const mac = await hmacParts(this.keys, "token", type, value);
    const token = `TOK_${type}_${crockfordBase32(mac, TOKEN_ID_CHARS)}`;
    if (!this.pending.has(token)) {
      const sealed = await seal(await this.keys.vault(), encoder.encode(value), tokenAad(this.keys.tenantId, token));
      this.pending.set(token, {
        tenantId: this.keys.tenantId,
        token,
        entity: type,
        ciphertext: base64Encode(sealed),
        createdAt: new Date().toISOString(),
      });
    }
    return token;
  }

  get size(): number {
    return this.pending.size;
  }

  /**
   * Writes the collected tokens (INSERT OR IGNORE: a token already in the vault holds the
   * same value). Rows are chunked to stay under D1's 100 bound parameters per statement.
   */
  async flush(d1: D1Database): Promise<number> {
    const rows = [...this.pending.values()];
    this.pending.clear();
    if (!rows.length) return 0;
    const d = db(d1);
    const perStatement = 15; // 5 columns each
    const statements = [];
    for (let i = 0; i < rows.length; i += perStatement) {
      statements.push(
        d
          .insert(schema.piiTokens)
          .values(rows.slice(i, i + perStatement))
          .onConflictDoNothing(),
      );
    }
    for (let i = 0; i < statements.length; i += 50) {
      const batch = statements.slice(i, i + 50);
      await d.batch(batch as [(typeof batch)[number], ...typeof batch]);
    }
    return rows.length;
  }
}

/**
 * Looks up and decrypts tokens of this tenant. Tokens that are not in the tenant's vault
 * (unknown, or another tenant's) are absent from the result and stay as they are.
 */
export async function detokenize(
  d1: D1Database,
  keys: OperatorKeys,
  tokens: Iterable<string>,
): Promise<Map<string, string>> {
  const wanted = [...new Set(tokens)];
  const out = new Map<string, string>();
  if (!wanted.length) return out;
  const d = db(d1);
  const key = await keys.vault();
  for (let i = 0; i < wanted.length; i += 90) {
    const rows = await d
      .select()
      .from(schema.piiTokens)
      .where(
        and(eq(schema.piiTokens.tenantId, keys.tenantId), inArray(schema.piiTokens.token, wanted.slice(i, i + 90))),
      )
      .all();
    for (const r of rows) {
      const plain = await open(key, base64Decode(r.ciphertext), tokenAad(keys.tenantId, r.token));
      out.set(r.token, decoder.decode(plain));
    }
  }
  return out;
}

/** Seals a JSON value into an `ENC_v1_...` string. */
export async function encryptField(keys: OperatorKeys, value: unknown): Promise<string> {
  const sealed = await seal(await keys.vault(), encoder.encode(JSON.stringify(value)), fieldAad(keys.tenantId));
  return `ENC_v1_${base64UrlEncode(sealed)}`;
}

/** Opens an `ENC_v1_...` string of this tenant; throws DecryptionError for anything else. */
export async function decryptField(keys: OperatorKeys, text: string): Promise<unknown> {
  if (!text.startsWith("ENC_v1_")) throw new DecryptionError();
  let sealed: Uint8Array;
  try {
    sealed = base64UrlDecode(text.slice(7));
  } catch {
    throw new DecryptionError();
  }
  const plain = await open(await keys.vault(), sealed, fieldAad(keys.tenantId));
  return JSON.parse(decoder.decode(plain));
}
