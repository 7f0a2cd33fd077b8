/** base64 at the transit API's edges: url-safe input accepted, errors returned rather than thrown. */
import { base64Decode, base64Encode } from "../ids";

const URL_SAFE = /[-_]/;

/** Standard base64 of bytes. */
export const toBase64 = base64Encode;

/**
 * Decodes standard base64 (url-safe `-`/`_` are accepted too, for query parameters).
 * Returns undefined instead of throwing, so callers can name the offending field.
 */
export function fromBase64(text: string): Uint8Array | undefined {
  const normalized = URL_SAFE.test(text) ? text.replace(/-/g, "+").replace(/_/g, "/") : text;
  try {
    return base64Decode(normalized);
  } catch {
    return undefined;
  }
}
