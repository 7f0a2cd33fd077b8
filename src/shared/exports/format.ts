/**
 * How exported records are written: NDJSON (the record's RFC 8785 canonical JSON per line)
 * or CSV (RFC 4180: a header row of the chosen fields, CRLF line ends, fields quoted when
 * they hold the delimiter, a quote or a line break; strings as they are, numbers and
 * booleans as JSON, null as an empty field, objects and arrays as their canonical JSON).
 */
import { canonicalJson } from "../records/canonical";

/** The record with only `fields` (top-level), in the order the record has them; all fields when none are given. */
export function project(data: Record<string, unknown>, fields: string[] | undefined): Record<string, unknown> {
  if (!fields) return data;
  const out: Record<string, unknown> = {};
  for (const f of fields) if (Object.prototype.hasOwnProperty.call(data, f)) out[f] = data[f];
  return out;
}

function csvField(v: unknown): string {
  const text =
    v === null || v === undefined
      ? ""
      : typeof v === "string"
        ? v
        : typeof v === "object"
          ? canonicalJson(v)
          : String(v);
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export const csvHeader = (fields: string[]) => fields.map(csvField).join(",") + "\r\n";
export const csvRow = (data: Record<string, unknown>, fields: string[]) =>
  fields.map((f) => csvField(data[f])).join(",") + "\r\n";
