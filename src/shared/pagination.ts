/** Opaque cursors: base64url JSON that callers pass back unchanged. */
import { badRequest } from "./errors";
import { base64UrlDecode, base64UrlEncode } from "./ids";

const encoder = new TextEncoder();
const decoder = new TextDecoder();

export function encodeCursor(position: Record<string, string | number>): string {
  return base64UrlEncode(encoder.encode(JSON.stringify(position)));
}

/** Decodes a cursor made by encodeCursor, checking each field's type; anything else is a 400. */
export function decodeCursor<T extends Record<string, "string" | "number">>(
  cursor: string,
  shape: T,
): { [K in keyof T]: T[K] extends "string" ? string : number } {
  let value: unknown;
  try {
    value = JSON.parse(decoder.decode(base64UrlDecode(cursor)));
  } catch {
    throw badRequest("The cursor is not valid; pass next_cursor from a previous page unchanged.", [{ path: "$.cursor", message: "invalid cursor" }]);
  }
  if (!value || typeof value !== "object") throw badRequest("The cursor is not valid.", [{ path: "$.cursor", message: "invalid cursor" }]);
  for (const [k, t] of Object.entries(shape)) {
    if (typeof (value as Record<string, unknown>)[k] !== t) {
      throw badRequest("The cursor is not valid.", [{ path: "$.cursor", message: "invalid cursor" }]);
    }
  }
  return value as { [K in keyof T]: T[K] extends "string" ? string : number };
}
