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

/**
 * One page of keyset pagination from rows fetched with `limit + 1`: the extra row only
 * says there is more. The cursor holds the last returned row's `key` column.
 * @example keysetPage(rows, 100, toDataset) // { items, next_cursor }
 */
export function keysetPage<R extends Record<K, string>, T, K extends string = "id">(
  rows: R[],
  limit: number,
  map: (r: R) => T,
  key: K = "id" as K,
): { items: T[]; next_cursor: string | null } {
  const more = rows.length > limit;
  const items = (more ? rows.slice(0, limit) : rows).map(map);
  return { items, next_cursor: more ? encodeCursor({ [key]: rows[limit - 1][key] }) : null };
}
