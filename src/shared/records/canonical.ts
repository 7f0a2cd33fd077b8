/** RFC 8785 canonical JSON of record data and SHA-256 over it. */
import canonicalize from "canonicalize";
import { hex } from "../ids";

const encoder = new TextEncoder();

/**
 * The RFC 8785 canonical JSON text of a value read by the I-JSON reader (src/shared/json),
 * which has already refused what canonicalization cannot hold: non-finite or inexact
 * numbers, lone surrogates, nesting over MAX_JSON_DEPTH.
 * @example canonicalJson({ b: 1, a: [true] }) // '{"a":[true],"b":1}'
 */
export function canonicalJson(value: unknown): string {
  const text = canonicalize(value);
  if (text === undefined) throw new Error("value cannot be canonicalized");
  return text;
}

/** UTF-8 bytes of a string. */
export const utf8 = (text: string): Uint8Array => encoder.encode(text);

/** SHA-256 (WebCrypto) of bytes, as lowercase hex. */
export async function sha256Hex(bytes: Uint8Array): Promise<string> {
  return hex(await crypto.subtle.digest("SHA-256", bytes));
}
