/**
 * Fast base64 for transit payloads: the runtime's native Uint8Array.fromBase64/toBase64
 * (one pass, no intermediate binary string) where present, the shared helpers otherwise.
 */
import { base64Decode, base64Encode } from "../ids";

interface NativeBase64 {
  fromBase64?: (text: string, options?: { alphabet?: "base64" | "base64url"; lastChunkHandling?: "loose" | "strict" }) => Uint8Array;
}
const native = Uint8Array as unknown as NativeBase64;
const hasToBase64 = typeof (Uint8Array.prototype as unknown as { toBase64?: unknown }).toBase64 === "function";

const URL_SAFE = /[-_]/;

/** Standard base64 of bytes. */
export function toBase64(bytes: Uint8Array): string {
  if (hasToBase64) return (bytes as unknown as { toBase64(): string }).toBase64();
  return base64Encode(bytes);
}

/**
 * Decodes standard base64 (url-safe `-`/`_` are accepted too, for query parameters).
 * Returns undefined instead of throwing, so callers can name the offending field.
 */
export function fromBase64(text: string): Uint8Array | undefined {
  const normalized = URL_SAFE.test(text) ? text.replace(/-/g, "+").replace(/_/g, "/") : text;
  try {
    if (native.fromBase64) return native.fromBase64(normalized, { lastChunkHandling: "loose" });
    return base64Decode(normalized);
  } catch {
    return undefined;
  }
}
