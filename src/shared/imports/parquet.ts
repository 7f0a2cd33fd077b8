/**
 * Parquet import (hyparquet): the file's row groups are split into up to
 * MAX_RANGES_PER_JOB ranges of rows; a chunk reads CHUNK_ROWS rows of its range through
 * byte-range reads of the sealed file. Nested columns (structs, lists, maps) come back as
 * JSON objects and arrays. Values JSON cannot hold are converted: INT64 to a number when it
 * is a safe integer (an error otherwise), timestamps to ISO 8601 text, binary to base64.
 */
import { parquetMetadataAsync, parquetReadObjects, type AsyncBuffer, type FileMetaData } from "hyparquet";
import { base64Encode } from "../ids";
import { MAX_RANGES_PER_JOB } from "../jobs/run";
import type { ImportRowLike, SourceChunk, SourceItem } from "./source";

/** Rows one chunk reads. */
export const CHUNK_ROWS = 1000;

type Reader = (start: number, end: number) => Promise<Uint8Array>;

function asyncBuffer(read: Reader, total: number): AsyncBuffer {
  return {
    byteLength: total,
    async slice(start: number, end?: number) {
      const bytes = await read(start, end ?? total);
      return bytes.slice().buffer as ArrayBuffer;
    },
  };
}

const metadataCache = new Map<string, FileMetaData>();

async function metadataOf(read: Reader, total: number, cacheKey: string): Promise<FileMetaData> {
  const hit = metadataCache.get(cacheKey);
  if (hit) return hit;
  const meta = await parquetMetadataAsync(asyncBuffer(read, total));
  if (metadataCache.size > 16) metadataCache.delete(metadataCache.keys().next().value!);
  metadataCache.set(cacheKey, meta);
  return meta;
}

/** Ranges of whole row groups, about equal in rows. */
export async function parquetPlan(read: Reader, total: number, cacheKey = "") {
  const meta = await metadataOf(read, total, cacheKey);
  const groups = meta.row_groups.map((g) => Number(g.num_rows));
  const rows = groups.reduce((a, b) => a + b, 0);
  const n = Math.max(1, Math.min(MAX_RANGES_PER_JOB, groups.length));
  const target = rows / n;
  const ranges: { start: number; end: number }[] = [];
  let start = 0;
  let at = 0;
  for (const g of groups) {
    at += g;
    if (at - start >= target && ranges.length < n - 1) {
      ranges.push({ start, end: at });
      start = at;
    }
  }
  if (at > start || !ranges.length) ranges.push({ start, end: at });
  return { ranges, itemsTotal: rows, bytesTotal: total };
}

/** A Parquet value as JSON, or an error message. */
export function toJsonValue(v: unknown): { ok: true; value: unknown } | { ok: false; message: string } {
  if (typeof v === "bigint") {
    const n = Number(v);
    return Number.isSafeInteger(n)
      ? { ok: true, value: n }
      : { ok: false, message: "The integer is outside JSON's safe range." };
  }
  if (v instanceof Date)
    return Number.isNaN(v.getTime())
      ? { ok: false, message: "The timestamp is not valid." }
      : { ok: true, value: v.toISOString() };
  if (v instanceof Uint8Array) return { ok: true, value: base64Encode(v) };
  if (typeof v === "number" && !Number.isFinite(v)) return { ok: false, message: "Numbers must be finite." };
  if (Array.isArray(v)) {
    const out: unknown[] = [];
    for (const x of v) {
      const r = toJsonValue(x);
      if (!r.ok) return r;
      out.push(r.value);
    }
    return { ok: true, value: out };
  }
  if (v !== null && typeof v === "object") {
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) {
      const r = toJsonValue(x);
      if (!r.ok) return { ok: false, message: `${k}: ${r.message}` };
      if (r.value !== undefined) out[k] = r.value;
    }
    return { ok: true, value: out };
  }
  return { ok: true, value: v === undefined ? null : v };
}

/** Reads the next rows of a range; `line` is the 1-based row number in the file. */
export async function parquetChunk(
  read: Reader,
  imp: ImportRowLike,
  bounds: { start: number; end: number },
  cursor: string | null,
): Promise<SourceChunk> {
  const from = cursor === null ? bounds.start : Number(cursor);
  const to = Math.min(bounds.end, from + CHUNK_ROWS);
  const total = imp.bytes ?? 0;
  const file = asyncBuffer(read, total);
  const metadata = await metadataOf(read, total, imp.id);
  const rows = from < to ? await parquetReadObjects({ file, metadata, rowStart: from, rowEnd: to }) : [];
  const items: SourceItem[] = rows.map((row, i) => {
    const r = toJsonValue({ ...row });
    return r.ok
      ? { pos: from + i, line: from + i + 1, value: r.value }
      : { pos: from + i, line: from + i + 1, errors: [{ path: "$", message: r.message }] };
  });
  // Rows are positions, not bytes: progress counts bytes as the share of the file's rows read.
  return { items, next: to >= bounds.end ? null : String(to), lines: to - from, bytes: 0 };
}
