/**
 * API key tokens: `ldv.<key id>.<secret>`. The key id is public (it names the key in
 * lists and audit events); only SHA-256 of the secret is stored. The secret has 256 bits
 * of entropy, so a fast hash is enough and no salt is needed.
 */
import { hex, randomToken } from "../ids";

const TOKEN_PATTERN = /^ldv\.(key_[0-9A-HJKMNP-TV-Z]{26})\.([A-Za-z0-9_-]{43})$/;
const encoder = new TextEncoder();

export interface ParsedToken {
  keyId: string;
  secret: string;
}

export function parseApiKey(token: string): ParsedToken | undefined {
  const m = TOKEN_PATTERN.exec(token);
  return m ? { keyId: m[1], secret: m[2] } : undefined;
}

export function formatApiKey(keyId: string, secret: string): string {
  return `ldv.${keyId}.${secret}`;
}

export function newSecret(): string {
  return randomToken(32);
}

export async function hashSecret(secret: string): Promise<string> {
  return hex(await crypto.subtle.digest("SHA-256", encoder.encode(secret)));
}

/**
 * Constant-time equality of two secrets: both are hashed first, so the comparison runs
 * over equal lengths whatever the inputs are.
 */
export async function secretsEqual(a: string, b: string): Promise<boolean> {
  const [ha, hb] = await Promise.all([
    crypto.subtle.digest("SHA-256", encoder.encode(a)),
    crypto.subtle.digest("SHA-256", encoder.encode(b)),
  ]);
  return crypto.subtle.timingSafeEqual(ha, hb);
}

/** Constant-time equality of two hex digests of equal length. */
export function digestsEqual(aHex: string, bHex: string): boolean {
  const a = encoder.encode(aHex);
  const b = encoder.encode(bHex);
  if (a.byteLength !== b.byteLength) return false;
  return crypto.subtle.timingSafeEqual(a, b);
}
