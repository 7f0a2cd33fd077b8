/** Opaque cursors: base64url JSON that callers pass back unchanged. */
import { badRequest } from "./errors";
import { base64UrlDecode, base64UrlEncode } from "./ids";

const encoder = new TextEncoder();
const decoder = new TextDecoder();

export function encodeCursor(position: Record<string, string | number>): string {
  return base64UrlEncode(encoder.encode(JSON.stringify(position)));
}

const invalidCursor = (message: string) =>
  badRequest("The cursor is not valid; pass next_cursor from a previous page unchanged.", [
    { path: "$.cursor", message },
  ]);

/** Longest string field a cursor may hold (ids and key names are far shorter). */
const MAX_CURSOR_STRING = 512;

/**
 * Decodes a cursor made by encodeCursor. The cursor must hold exactly the fields of `shape`:
 * a "number" field is a non-negative safe integer (sequence numbers, offsets), a "finite" field
 * any finite number (a search score), a "string" field 1 to 512 characters.
 * @throws ProblemError 400 `bad-request` (path `$.cursor`) for anything else
 */
export function decodeCursor<T extends Record<string, "string" | "number" | "finite">>(
  cursor: string,
  shape: T,
): { [K in keyof T]: T[K] extends "string" ? string : number } {
  let value: unknown;
  try {
    value = JSON.parse(decoder.decode(base64UrlDecode(cursor)));
  } catch {
    throw invalidCursor("invalid cursor");
  }
  if (!value || typeof value !== "object" || Array.isArray(value)) throw invalidCursor("invalid cursor");
  const fields = value as Record<string, unknown>;
  if (Object.keys(fields).length !== Object.keys(shape).length) throw invalidCursor("invalid cursor");
  for (const [k, t] of Object.entries(shape)) {
    const v = fields[k];
    // "number": a seq or offset (non-negative safe integer); "finite": a score (any finite double).
    const ok =
      t === "number"
        ? typeof v === "number" && Number.isSafeInteger(v) && v >= 0
        : t === "finite"
          ? typeof v === "number" && Number.isFinite(v)
          : typeof v === "string" && v.length > 0 && v.length <= MAX_CURSOR_STRING;
    const expected = t === "number" ? "a non-negative integer" : t === "finite" ? "a finite number" : "a valid key";
    if (!ok) throw invalidCursor(`invalid cursor: '${k}' is not ${expected}`);
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
